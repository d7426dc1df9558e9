"""A NUL byte (or an unpaired surrogate) in any parameter is a JSON 400 naming it: every
parameter of every public GET endpoint, every path parameter, and every field of every POST
body (JSON, multipart, urlencoded, Open311).
"""

import json
from urllib.parse import urlencode

import pytest

from tests.geoportal.bad_input import (
    BEN_THANH,
    GET_ENDPOINTS,
    NUL,
    json_error,
    open311_error,
    open311_form,
    submission,
)

pytestmark = pytest.mark.django_db

# Paths whose own parts are parameters: (path with {} for the part, the parameter's name).
PATH_PARAMETERS = [
    ("/api/v1/areas/{}/", "code"),
    ("/api/v1/layers/facilities/features/{}/", "feature_id"),
    ("/api/v1/feedback/items/{}/", "code"),
    ("/api/v1/feedback/track/{}/", "code"),
    ("/ogc/collections/{}", "collection_id"),
    ("/ogc/collections/facilities/items/{}", "feature_id"),
    ("/tiles/{}.json", "layers"),
    ("/tiles/{}/10/815/481.mvt", "layers"),
    ("/track/{}/", "code"),
]
OPEN311_PATH_PARAMETERS = [
    ("/open311/v2/services/{}.json", "code"),
    ("/open311/v2/requests/{}.json", "request_id"),
    ("/open311/v2/tokens/{}.json", "token_id"),
]

SUBMISSION_FIELDS = [
    "category",
    "description",
    "channel",
    "address",
    "reporter_name",
    "reporter_phone",
    "reporter_email",
]

OPEN311_FIELDS = [
    "api_key",
    "service_code",
    "description",
    "lat",
    "long",
    "address_string",
    "first_name",
    "last_name",
    "phone",
    "email",
]


def _nul_cases():
    for url, params in GET_ENDPOINTS.items():
        for name in params:
            yield pytest.param(url, params, name, id=f"{url}?{name}")
        yield pytest.param(url, params, "unknown\x00name", id=f"{url}?<NUL in a name>")


@pytest.mark.parametrize(("url", "params", "name"), list(_nul_cases()))
def test_a_nul_in_any_query_parameter_is_400_naming_it(staff_client, url, params, name):
    sent = {**params, name: NUL}
    response = staff_client.get(url, sent)
    shown = name.replace("\x00", "\\x00")
    if url.startswith("/open311/"):
        open311_error(response, 400, shown)
        return
    body = json_error(response, 400, shown)
    assert body["detail"] == (
        f"'{shown}' contains a NUL character (\\x00), which text may not hold."
    )


@pytest.mark.parametrize(("template", "name"), PATH_PARAMETERS)
def test_a_nul_in_a_path_parameter_is_400_naming_it(client, template, name):
    json_error(client.get(template.format("a%00b")), 400, name)


@pytest.mark.parametrize(("template", "name"), OPEN311_PATH_PARAMETERS)
def test_a_nul_in_an_open311_path_is_its_400_error_document(client, template, name):
    open311_error(client.get(template.format("a%00b")), 400, name)


def test_a_nul_in_an_open311_path_is_an_xml_error_when_xml_is_asked(client):
    response = client.get("/open311/v2/requests/a%00b.xml")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/xml")
    assert b"'request_id' contains a NUL character" in response.content


@pytest.mark.parametrize("name", SUBMISSION_FIELDS)
def test_a_nul_in_a_json_submission_field_is_400_naming_it(resident_client, name):
    body = submission(**{name: NUL})
    response = resident_client.post(
        "/api/v1/feedback/items/", body, content_type="application/json"
    )
    json_error(response, 400, name)


def test_a_nul_in_a_nested_json_field_is_400_naming_its_path(resident_client):
    body = submission(location={"lon": BEN_THANH[0], "lat": NUL})
    response = resident_client.post(
        "/api/v1/feedback/items/", body, content_type="application/json"
    )
    json_error(response, 400, "location.lat")


def test_a_nul_in_a_json_key_is_400(resident_client):
    body = submission(**{"extra\x00": "x"})
    response = resident_client.post(
        "/api/v1/feedback/items/", body, content_type="application/json"
    )
    json_error(response, 400, "extra\\x00")


def test_an_unpaired_surrogate_in_json_is_400_naming_the_field(resident_client):
    raw = json.dumps(submission(description="x")).replace('"x"', '"\\ud800"')
    response = resident_client.post("/api/v1/feedback/items/", raw, content_type="application/json")
    body = json_error(response, 400, "description")
    assert (
        body["detail"] == "'description' is not valid Unicode text: it holds an unpaired surrogate."
    )


@pytest.mark.parametrize("name", [*SUBMISSION_FIELDS, "lon", "lat"])
def test_a_nul_in_a_multipart_submission_field_is_400_naming_it(resident_client, name):
    form = {
        "category": "den-duong",
        "description": "Đèn tắt",
        "lon": str(BEN_THANH[0]),
        "lat": str(BEN_THANH[1]),
        name: NUL,
    }
    json_error(resident_client.post("/api/v1/feedback/items/", form), 400, name)


@pytest.mark.parametrize("name", SUBMISSION_FIELDS)
def test_a_nul_in_a_urlencoded_submission_field_is_400_naming_it(resident_client, name):
    form = urlencode({"category": "den-duong", "description": "Đèn tắt", name: NUL})
    response = resident_client.post(
        "/api/v1/feedback/items/", form, content_type="application/x-www-form-urlencoded"
    )
    json_error(response, 400, name)


@pytest.mark.parametrize("name", ["to", "note", "reason", "merge_into"])
def test_a_nul_in_a_transition_field_is_400_naming_it(staff_client, item, name):
    body = {"to": "accepted", name: NUL}
    url = f"/api/v1/feedback/items/{item.tracking_code}/transitions/"
    json_error(staff_client.post(url, body, content_type="application/json"), 400, name)


@pytest.mark.parametrize("name", ["rating", "comment"])
def test_a_nul_in_a_rating_field_is_400_naming_it(resident_client, item, name):
    body = {"rating": 5, name: NUL}
    url = f"/api/v1/feedback/items/{item.tracking_code}/rating/"
    json_error(resident_client.post(url, body, content_type="application/json"), 400, name)


def test_a_nul_in_a_batch_lookup_point_is_400_naming_it(client):
    body = [[106.7, 10.7], {"lon": "106.7", "lat": NUL}]
    json_error(
        client.post("/api/v1/lookup/", body, content_type="application/json"), 400, "[1].lat"
    )


@pytest.mark.parametrize("name", OPEN311_FIELDS)
def test_a_nul_in_an_open311_field_is_400_naming_it(client, api_key, name):
    form = open311_form(api_key, **{name: NUL})
    open311_error(client.post("/open311/v2/requests.json", form), 400, name)
