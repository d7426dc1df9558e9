"""Over-long values: every stored text field over its limit is a 400 naming it (in Open311's
own error format there); a 10,000-character value in any query parameter never fails the server.
"""

import pytest

from tests.geoportal.bad_input import (
    GET_ENDPOINTS,
    json_error,
    open311_error,
    open311_form,
    submission,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "limit"),
    [
        ("address_string", 500),
        ("first_name", 200),
        ("last_name", 200),
        ("phone", 40),
        ("email", 254),
    ],
)
def test_an_over_long_open311_field_is_400_naming_it(client, api_key, name, limit):
    form = open311_form(api_key, **{name: "9" * (limit + 1)})
    description = open311_error(client.post("/open311/v2/requests.json", form), 400, name)
    assert description == f"'{name}' is over {limit} characters."


def test_open311_names_over_the_limit_together_are_400(client, api_key):
    form = open311_form(api_key, first_name="A" * 150, last_name="B" * 150)
    description = open311_error(client.post("/open311/v2/requests.json", form), 400, "last_name")
    assert description == "'first_name' and 'last_name' together are over 200 characters."


def test_an_over_long_open311_description_is_400(client, api_key):
    form = open311_form(api_key, description="x" * 5001)
    response = client.post("/open311/v2/requests.json", form)
    assert response.status_code == 400
    assert response.json()[0]["description"] == "The description is over 5000 characters."


def test_an_over_long_open311_field_is_an_xml_error_when_xml_is_asked(client, api_key):
    form = open311_form(api_key, phone="0" * 41)
    response = client.post("/open311/v2/requests.xml", form)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/xml")
    assert b"'phone' is over 40 characters." in response.content


@pytest.mark.parametrize(
    ("name", "limit"),
    [
        ("category", 40),
        ("channel", 10),
        ("address", 500),
        ("reporter_name", 200),
        ("reporter_phone", 40),
        ("reporter_email", 254),
        ("description", 5000),
    ],
)
def test_an_over_long_submission_field_is_400_naming_it(resident_client, name, limit):
    body = submission(**{name: "9" * (limit + 1)})
    response = resident_client.post(
        "/api/v1/feedback/items/", body, content_type="application/json"
    )
    error = json_error(response, 400, name)
    assert f"over {limit} characters" in error["detail"]


@pytest.mark.parametrize(("url", "params"), GET_ENDPOINTS.items(), ids=list(GET_ENDPOINTS))
def test_over_long_query_values_never_fail_the_server(staff_client, url, params):
    """A 10,000-character value in every parameter: a JSON 4xx or an ordinary answer."""
    response = staff_client.get(url, {name: "x" * 10_000 for name in params})
    assert response.status_code < 500, response.content[:300]
    if response.streaming:  # read to the end: a stream must not stop halfway
        b"".join(response.streaming_content)
    if response.status_code >= 400 and not url.startswith("/track/"):
        assert response["Content-Type"].startswith("application/json")


def test_a_page_beyond_bigint_is_400(staff_client):
    response = staff_client.get("/api/v1/feedback/items/", {"page": str(2**63)})
    json_error(response, 400, "page")
