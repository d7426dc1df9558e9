"""Bad input anywhere is a JSON 4xx naming what to fix: never an HTML 500, never a 200 cut short.

One sweep sends a NUL byte to every parameter of every public GET endpoint and to every field
of every POST body, impossible dates and times to every date parameter, and over-long values
to every stored text field; then the cases with their own answers: JSON nested too deep,
bodies over their limit (refused before they are read), tile numbers and paths that are not
tiles, bboxes beyond a projection's domain, tracking codes with a slash, and the areas API's
unknown parameters and bad pages.
"""

import json

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from apikeys.keys import create_key
from core.input_guard import MAX_JSON_DEPTH
from feedback.intake import Submission, submit
from feedback.models import Role, StaffMembership
from feedback.workflow import actor_for
from layers.views import Lookup

pytestmark = pytest.mark.django_db

BEN_THANH = (106.7009, 10.7769)  # lon, lat near Bến Thành market, inside a demo ward
NUL = "a\x00b"
EPSG_3857 = "http://www.opengis.net/def/crs/EPSG/0/3857"
EPSG_9210 = "http://www.opengis.net/def/crs/EPSG/0/9210"

# Every public GET endpoint with every parameter it takes (a valid value for each).
FEATURE_PARAMS = {
    "bbox": "106.6,10.7,106.8,10.8",
    "q": "cho",
    "near": "106.7009,10.7769",
    "radius": "500",
    "fields": "name,category",
    "ordering": "-name",
    "category": "cho",
    "updated_at": "2025-01-01",
}
GET_ENDPOINTS = {
    "/api/v1/areas/": {
        "level": "ward",
        "type": "phuong",
        "generation": "2025-07",
        "parent": "79",
        "q": "ben thanh",
        "bbox": "106.6,10.7,106.8,10.8",
        "simplify": "20",
        "page": "1",
        "page_size": "10",
    },
    "/api/v1/areas/26740/": {"generation": "2025-01", "simplify": "20"},
    "/api/v1/lookup/": {"lon": "106.7009", "lat": "10.7769", "date": "2025-03-01"},
    "/api/v1/generations/": {},
    "/api/v1/layers/": {},
    "/api/v1/layers/facilities/": {},
    "/api/v1/layers/facilities/features/": {**FEATURE_PARAMS, "page": "1", "page_size": "5"},
    "/api/v1/layers/facilities/export/": FEATURE_PARAMS,
    "/api/v1/layers/feedback/features/": {"datetime": "2025-01-01/..", "ward_of": "106.7,10.77"},
    "/ogc/": {"f": "json"},
    "/ogc/collections": {"f": "json"},
    "/ogc/collections/facilities": {"f": "json"},
    "/ogc/collections/facilities/items": {
        "bbox": "106.6,10.7,106.8,10.8",
        "bbox-crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
        "crs": EPSG_9210,
        "q": "cho",
        "sortby": "name",
        "properties": "name",
        "limit": "5",
        "offset": "0",
        "category": "cho",
        "f": "json",
    },
    "/ogc/collections/feedback/items": {"datetime": "2025-01-01T00:00:00Z/.."},
    "/api/v1/feedback/categories/": {},
    "/api/v1/feedback/items/": {
        "ward": "26740",
        "status": "received",
        "category": "den-duong",
        "channel": "app",
        "created_after": "2025-01-01",
        "created_before": "2025-12-31",
        "bbox": "106.6,10.7,106.8,10.8",
        "overdue": "false",
        "limit": "10",
        "offset": "0",
    },
    "/api/v1/feedback/duplicates/": {"category": "den-duong", "lon": "106.7", "lat": "10.77"},
    "/api/v1/feedback/places/": {"q": "cho ben thanh"},
    "/open311/v2/requests.json": {
        "service_request_id": "HCM-0000-0000",
        "service_code": "den-duong",
        "start_date": "2025-01-01",
        "end_date": "2025-12-31",
        "status": "open",
    },
    "/open311/v2/services.json": {},
    "/tiles/areas/10/815/481.mvt": {},
    "/tiles/areas.json": {},
    "/track/": {"code": "HCM-0000-0000"},
}
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
DATE_PARAMETERS = [
    ("/api/v1/lookup/", {"lon": "106.7009", "lat": "10.7769"}, "date"),
    ("/api/v1/layers/feedback/features/", {}, "datetime"),
    ("/api/v1/layers/feedback/export/", {}, "datetime"),
    ("/api/v1/layers/facilities/features/", {}, "updated_at"),
    ("/ogc/collections/feedback/items", {}, "datetime"),
    ("/api/v1/feedback/items/", {}, "created_after"),
    ("/api/v1/feedback/items/", {}, "created_before"),
]
IMPOSSIBLE_DATES = [
    "2025-13-01",
    "2025-02-30",
    "2025-00-10",
    "2025-01-01T25:00:00",
    "2025-01-01T10:61:00",
    "2025-01-01T10:00:00+25:00",
    "2025-01-01T10:00:00-24:30",
]


# --- fixtures and helpers ------------------------------------------------------------------


@pytest.fixture
def staff() -> User:
    """City staff: may list every feedback item (the list's filters are theirs)."""
    user = User.objects.create_user("thanh_pho")
    StaffMembership.objects.create(user=user, role=Role.CITY_STAFF)
    return user


@pytest.fixture
def staff_client(client, staff) -> Client:
    client.force_login(staff)
    return client


@pytest.fixture
def resident_client(client) -> Client:
    """A signed-in resident: submissions are not rate-limited as anonymous ones are."""
    client.force_login(User.objects.create_user("dan"))
    return client


@pytest.fixture
def item(staff):
    """A street-light report at Bến Thành."""
    return submit(
        Submission(
            category="den-duong",
            description="Đèn đường tắt",
            channel="app",
            lon=BEN_THANH[0],
            lat=BEN_THANH[1],
        ),
        actor_for(User.objects.create_user("nguoi_bao")),
    )


@pytest.fixture
def api_key() -> str:
    return create_key("aggregator", ["open311"])[1]


def _error(response, status: int, parameter: str | None = None) -> dict:
    """The JSON error body, after checking its status, type and parameter."""
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    assert not response.streaming
    body = response.json()
    assert body["detail"]
    if parameter is not None:
        assert body["parameter"] == parameter, body
    return body


def _open311_error(response, status: int, mentions: str) -> str:
    """The description of a GeoReport v2 error document (JSON), naming the parameter."""
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    (error,) = response.json()
    assert error["code"] == status
    assert f"'{mentions}'" in error["description"], error
    return error["description"]


def _nul_cases():
    for url, params in GET_ENDPOINTS.items():
        for name in params:
            yield pytest.param(url, params, name, id=f"{url}?{name}")
        yield pytest.param(url, params, "unknown\x00name", id=f"{url}?<NUL in a name>")


# --- NUL bytes -----------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "params", "name"), list(_nul_cases()))
def test_a_nul_in_any_query_parameter_is_400_naming_it(staff_client, url, params, name):
    sent = {**params, name: NUL}
    response = staff_client.get(url, sent)
    shown = name.replace("\x00", "\\x00")
    if url.startswith("/open311/"):
        _open311_error(response, 400, shown)
        return
    body = _error(response, 400, shown)
    assert body["detail"] == (
        f"'{shown}' contains a NUL character (\\x00), which text may not hold."
    )


@pytest.mark.parametrize(("template", "name"), PATH_PARAMETERS)
def test_a_nul_in_a_path_parameter_is_400_naming_it(client, template, name):
    _error(client.get(template.format("a%00b")), 400, name)


@pytest.mark.parametrize(("template", "name"), OPEN311_PATH_PARAMETERS)
def test_a_nul_in_an_open311_path_is_its_400_error_document(client, template, name):
    _open311_error(client.get(template.format("a%00b")), 400, name)


def test_a_nul_in_an_open311_path_is_an_xml_error_when_xml_is_asked(client):
    response = client.get("/open311/v2/requests/a%00b.xml")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/xml")
    assert b"'request_id' contains a NUL character" in response.content


def _submission(**changes) -> dict:
    body = {
        "category": "den-duong",
        "description": "Đèn đường tắt",
        "location": {"lon": BEN_THANH[0], "lat": BEN_THANH[1]},
        "reporter_name": "Nguyễn Văn A",
        "reporter_phone": "0909123456",
        "reporter_email": "a@example.vn",
    }
    body.update(changes)
    return body


SUBMISSION_FIELDS = [
    "category",
    "description",
    "channel",
    "address",
    "reporter_name",
    "reporter_phone",
    "reporter_email",
]


@pytest.mark.parametrize("name", SUBMISSION_FIELDS)
def test_a_nul_in_a_json_submission_field_is_400_naming_it(resident_client, name):
    body = _submission(**{name: NUL})
    response = resident_client.post(
        "/api/v1/feedback/items/", body, content_type="application/json"
    )
    _error(response, 400, name)


def test_a_nul_in_a_nested_json_field_is_400_naming_its_path(resident_client):
    body = _submission(location={"lon": BEN_THANH[0], "lat": NUL})
    response = resident_client.post(
        "/api/v1/feedback/items/", body, content_type="application/json"
    )
    _error(response, 400, "location.lat")


def test_a_nul_in_a_json_key_is_400(resident_client):
    body = _submission(**{"extra\x00": "x"})
    response = resident_client.post(
        "/api/v1/feedback/items/", body, content_type="application/json"
    )
    _error(response, 400, "extra\\x00")


def test_an_unpaired_surrogate_in_json_is_400_naming_the_field(resident_client):
    raw = json.dumps(_submission(description="x")).replace('"x"', '"\\ud800"')
    response = resident_client.post("/api/v1/feedback/items/", raw, content_type="application/json")
    body = _error(response, 400, "description")
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
    _error(resident_client.post("/api/v1/feedback/items/", form), 400, name)


@pytest.mark.parametrize("name", SUBMISSION_FIELDS)
def test_a_nul_in_a_urlencoded_submission_field_is_400_naming_it(resident_client, name):
    from urllib.parse import urlencode

    form = urlencode({"category": "den-duong", "description": "Đèn tắt", name: NUL})
    response = resident_client.post(
        "/api/v1/feedback/items/", form, content_type="application/x-www-form-urlencoded"
    )
    _error(response, 400, name)


@pytest.mark.parametrize("name", ["to", "note", "reason", "merge_into"])
def test_a_nul_in_a_transition_field_is_400_naming_it(staff_client, item, name):
    body = {"to": "accepted", name: NUL}
    url = f"/api/v1/feedback/items/{item.tracking_code}/transitions/"
    _error(staff_client.post(url, body, content_type="application/json"), 400, name)


@pytest.mark.parametrize("name", ["rating", "comment"])
def test_a_nul_in_a_rating_field_is_400_naming_it(resident_client, item, name):
    body = {"rating": 5, name: NUL}
    url = f"/api/v1/feedback/items/{item.tracking_code}/rating/"
    _error(resident_client.post(url, body, content_type="application/json"), 400, name)


def test_a_nul_in_a_batch_lookup_point_is_400_naming_it(client):
    body = [[106.7, 10.7], {"lon": "106.7", "lat": NUL}]
    _error(client.post("/api/v1/lookup/", body, content_type="application/json"), 400, "[1].lat")


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


def _open311_form(key: str, **changes) -> dict:
    form = {
        "api_key": key,
        "service_code": "den-duong",
        "description": "Đèn đường tắt cả dãy",
        "lat": str(BEN_THANH[1]),
        "long": str(BEN_THANH[0]),
        "first_name": "Lê",
        "last_name": "Văn C",
        "phone": "0987654321",
        "email": "c@example.vn",
    }
    form.update(changes)
    return form


@pytest.mark.parametrize("name", OPEN311_FIELDS)
def test_a_nul_in_an_open311_field_is_400_naming_it(client, api_key, name):
    form = _open311_form(api_key, **{name: NUL})
    _open311_error(client.post("/open311/v2/requests.json", form), 400, name)


# --- impossible dates and times ------------------------------------------------------------


@pytest.mark.parametrize("raw", IMPOSSIBLE_DATES)
@pytest.mark.parametrize(("url", "params", "name"), DATE_PARAMETERS)
def test_an_impossible_date_is_400_naming_the_parameter(staff_client, url, params, name, raw):
    _error(staff_client.get(url, {**params, name: raw}), 400, name)


@pytest.mark.parametrize(
    "raw", ["2025-02-30/..", "../2025-01-01T24:30:00Z", "2025-01-01/2025-13-01"]
)
@pytest.mark.parametrize(
    "url", ["/api/v1/layers/feedback/features/", "/ogc/collections/feedback/items"]
)
def test_an_interval_with_an_impossible_end_is_400(client, url, raw):
    body = _error(client.get(url, {"datetime": raw}), 400, "datetime")
    assert "RFC 3339" in body["detail"]


@pytest.mark.parametrize("raw", IMPOSSIBLE_DATES)
@pytest.mark.parametrize("name", ["start_date", "end_date"])
def test_an_impossible_open311_date_is_400_naming_it(client, name, raw):
    response = client.get("/open311/v2/requests.json", {name: raw})
    description = _open311_error(response, 400, name)
    assert description.startswith(f"'{name}' must be a date (YYYY-MM-DD) or a date-time")


@pytest.mark.parametrize(
    ("url", "params"),
    [
        (
            "/api/v1/feedback/items/",
            {"created_after": "0001-01-01", "created_before": "9999-12-31"},
        ),
        ("/api/v1/feedback/items/", {"created_after": "0001-01-01T00:00:00+14:00"}),
        ("/open311/v2/requests.json", {"start_date": "0001-01-01", "end_date": "9999-12-31"}),
        ("/ogc/collections/feedback/items", {"datetime": "0001-01-01T00:00:00+14:00/9999-12-31"}),
        ("/api/v1/layers/feedback/features/", {"datetime": "9999-12-31"}),
        ("/api/v1/lookup/", {"lon": "106.7009", "lat": "10.7769", "date": "9999-12-31"}),
    ],
)
def test_the_first_and_last_days_of_the_calendar_are_dates(staff_client, url, params):
    response = staff_client.get(url, params)
    assert response.status_code == 200, response.content
    if response.streaming:
        b"".join(response.streaming_content)


# --- over-long values ----------------------------------------------------------------------


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
    form = _open311_form(api_key, **{name: "9" * (limit + 1)})
    description = _open311_error(client.post("/open311/v2/requests.json", form), 400, name)
    assert description == f"'{name}' is over {limit} characters."


def test_open311_names_over_the_limit_together_are_400(client, api_key):
    form = _open311_form(api_key, first_name="A" * 150, last_name="B" * 150)
    description = _open311_error(client.post("/open311/v2/requests.json", form), 400, "last_name")
    assert description == "'first_name' and 'last_name' together are over 200 characters."


def test_an_over_long_open311_description_is_400(client, api_key):
    form = _open311_form(api_key, description="x" * 5001)
    response = client.post("/open311/v2/requests.json", form)
    assert response.status_code == 400
    assert response.json()[0]["description"] == "The description is over 5000 characters."


def test_an_over_long_open311_field_is_an_xml_error_when_xml_is_asked(client, api_key):
    form = _open311_form(api_key, phone="0" * 41)
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
    body = _submission(**{name: "9" * (limit + 1)})
    response = resident_client.post(
        "/api/v1/feedback/items/", body, content_type="application/json"
    )
    error = _error(response, 400, name)
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


def test_an_offset_beyond_bigint_is_400(staff_client):
    response = staff_client.get("/api/v1/feedback/items/", {"offset": str(2**63)})
    _error(response, 400, "offset")


# --- JSON nested too deep, bodies too big --------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/api/v1/lookup/", "/api/v1/feedback/items/"], ids=["lookup", "feedback"]
)
def test_json_nested_until_python_gives_up_is_400(resident_client, url):
    response = resident_client.post(url, "[" * 2048, content_type="application/json")
    body = _error(response, 400, "body")
    assert body["detail"] == f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep."


def test_json_nested_deeper_than_the_limit_is_400(client):
    depth = MAX_JSON_DEPTH + 2
    raw = "[" * depth + "]" * depth
    body = _error(client.post("/api/v1/lookup/", raw, content_type="application/json"), 400)
    assert body["parameter"] == "body"


def test_a_lookup_body_over_its_limit_is_413_before_it_is_read(client):
    # The test client's payload asserts if more is read than it holds: the 50 MB announced
    # would fail the request, not answer 413, if anything tried to read them.
    response = client.post(
        "/api/v1/lookup/",
        "[[106.7, 10.7]]",
        content_type="application/json",
        CONTENT_LENGTH=str(50 * 1024 * 1024),
    )
    body = _error(response, 413, "body")
    assert body["detail"] == (
        f"The request body is {50 * 1024 * 1024} bytes; this endpoint takes at most "
        f"{Lookup.max_body_bytes}."
    )


def test_a_lookup_body_just_over_its_limit_is_413(client):
    raw = "[" + " " * Lookup.max_body_bytes + "[106.7, 10.7]]"
    _error(client.post("/api/v1/lookup/", raw, content_type="application/json"), 413, "body")


def test_the_largest_batch_pretty_printed_fits_under_the_lookup_limit(client):
    points = [
        {"lon": 106.70091234567891 + i * 1e-9, "lat": 10.776912345678912}
        for i in range(settings.COMMONMAP["LOOKUP_BATCH_MAX"])
    ]
    raw = json.dumps(points, indent=4)
    assert len(raw.encode()) < Lookup.max_body_bytes
    response = client.post("/api/v1/lookup/", raw, content_type="application/json")
    assert response.status_code == 200, response.content[:300]
    assert response.json()["count"] == len(points)


def test_a_json_body_over_the_default_limit_is_413_before_it_is_read(resident_client):
    response = resident_client.post(
        "/api/v1/feedback/items/",
        "{}",
        content_type="application/json",
        CONTENT_LENGTH=str(settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1),
    )
    _error(response, 413, "body")


def test_an_open311_form_over_the_limit_is_413_in_its_format(client):
    response = client.post(
        "/open311/v2/requests.xml",
        "api_key=x",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1),
    )
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/xml")


def test_a_multipart_field_over_the_form_limit_is_413_json(resident_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    form = {"category": "den-duong", "description": "x" * 2000}
    _error(resident_client.post("/api/v1/feedback/items/", form), 413, "body")


# --- tiles ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["areas/{}.mvt", "raster/basemap/{}.png"])
@pytest.mark.parametrize(
    ("numbers", "parameter", "detail"),
    [
        ("-1/0/0", "z", "Zoom -1 is out of range: it must be from 0 to 22."),
        ("3/-1/0", "x", "Tile x=-1 does not exist at zoom 3: it must be from 0 to 7."),
        ("3/0/-8", "y", "Tile y=-8 does not exist at zoom 3: it must be from 0 to 7."),
        ("a/b/c", "z", "Tile z must be a whole number, got 'a'."),
        ("3/1.5/0", "x", "Tile x must be a whole number, got '1.5'."),
        ("3/0/%C2%B2", "y", "Tile y must be a whole number, got '²'."),
        ("99999999999999999999/0/0", "z", "Tile z=99999999999999999999 is out of range."),
    ],
)
def test_tile_numbers_that_are_not_tiles_are_400(client, kind, numbers, parameter, detail):
    # Raster tiles are drawn for MapProxy only: ask as it does, with its token.
    token = {"HTTP_X_COMMONMAP_RASTER_TOKEN": settings.COMMONMAP["RASTER_TOKEN"]}
    body = _error(client.get("/tiles/" + kind.format(numbers), **token), 400, parameter)
    assert body["detail"] == detail


@pytest.mark.parametrize(
    "path", ["/tiles/areas/1/2.mvt", "/tiles/areas/1/0/0.pbf", "/tiles/", "/tiles/raster/x.png"]
)
def test_paths_under_tiles_that_are_no_tile_are_json_404(client, path):
    body = _error(client.get(path), 404)
    assert body["detail"].startswith(f"No tile resource at {path}. Vector tiles are /tiles/")


def test_a_well_formed_tile_still_answers(client):
    assert client.get("/tiles/areas/10/815/481.mvt").status_code in (200, 204)


# --- bboxes in a projected CRS -------------------------------------------------------------


@pytest.mark.parametrize("crs", [EPSG_3857, EPSG_9210])
@pytest.mark.parametrize(
    "bbox",
    ["-1e308,-1e308,1e308,1e308", "0,0,1e309,1", "nan,0,1,1", "-3e7,0,0,1000", "0,0,1,4e7"],
)
def test_a_bbox_beyond_the_projections_domain_is_400(client, crs, bbox):
    response = client.get(
        "/ogc/collections/facilities/items", {"bbox": bbox, "bbox-crs": crs, "limit": "1"}
    )
    _error(response, 400, "bbox")


def test_the_domain_is_named_in_the_message(client):
    response = client.get(
        "/ogc/collections/facilities/items",
        {"bbox": "-1e308,-1e308,1e308,1e308", "bbox-crs": EPSG_9210},
    )
    assert _error(response, 400, "bbox")["detail"] == (
        f"'bbox' in {EPSG_9210} must lie within 0,0,2000000,3000000 (metres), where the "
        "projection is defined."
    )


@pytest.mark.parametrize(
    ("crs", "bbox"),
    [
        (EPSG_9210, "0,0,2000000,3000000"),
        (
            EPSG_3857,
            "-20037508.342789244,-20048966.104014594,20037508.342789244,20048966.104014594",
        ),
    ],
)
def test_a_bbox_of_the_whole_domain_answers(client, crs, bbox):
    response = client.get(
        "/ogc/collections/facilities/items", {"bbox": bbox, "bbox-crs": crs, "limit": "1"}
    )
    assert response.status_code == 200
    body = json.loads(b"".join(response.streaming_content))
    assert body["numberMatched"] > 0


# --- tracking codes with a slash -----------------------------------------------------------


@pytest.mark.parametrize("url", ["/track/a%2Fb/", "/track/a/b/", "/track/?code=a/b"])
def test_a_tracking_code_with_a_slash_is_400_on_the_page(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "&#x27;a/b&#x27; is not a tracking code" in response.content.decode()


# --- the areas API refuses what it does not understand -------------------------------------


def test_an_unknown_areas_parameter_is_400_listing_the_accepted_ones(client):
    body = _error(client.get("/api/v1/areas/", {"levle": "ward"}), 400, "levle")
    assert body["detail"] == (
        "Unknown parameter 'levle'. Parameters: bbox, generation, level, page, page_size, "
        "parent, q, simplify, type."
    )


def test_an_unknown_area_detail_parameter_is_400(client):
    _error(client.get("/api/v1/areas/26740/", {"generation": "2025-01", "x": "1"}), 400, "x")


def test_an_unknown_lookup_parameter_is_400(client):
    response = client.get("/api/v1/lookup/", {"lon": "106.7", "lat": "10.77", "dat": "2025-03-01"})
    _error(response, 400, "dat")


@pytest.mark.parametrize(
    ("params", "parameter", "detail"),
    [
        (
            {"page_size": "-1"},
            "page_size",
            "'page_size' must be a whole number from 1 to 500, got '-1'.",
        ),
        (
            {"page_size": "0"},
            "page_size",
            "'page_size' must be a whole number from 1 to 500, got '0'.",
        ),
        ({"page": "abc"}, "page", "'page' must be a whole number from 1 to 1000000000, got 'abc'."),
        ({"page": "-2"}, "page", "'page' must be a whole number from 1 to 1000000000, got '-2'."),
    ],
)
def test_bad_area_pages_are_400(client, params, parameter, detail):
    body = _error(client.get("/api/v1/areas/", {"level": "province", **params}), 400, parameter)
    assert body["detail"] == detail


def test_an_area_page_past_the_last_is_404(client):
    response = client.get("/api/v1/areas/", {"level": "province", "page": "999"})
    body = _error(response, 404, "page")
    assert body["detail"].startswith("Page 999 is past the last page")


def test_good_area_pages_still_answer(client):
    response = client.get("/api/v1/areas/", {"level": "ward", "page": "2", "page_size": "5"})
    assert response.status_code == 200
    body = response.json()
    assert len(body["features"]) == 5
