"""What the bad-input tests share: the public GET endpoints with a valid value for every
parameter, valid bodies to spoil one field at a time, and the checks of a JSON 4xx.

Bad input anywhere is a JSON 4xx naming what to fix: never an HTML 500, never a 200 cut short.
The tests are split by behaviour: ``test_bad_input_nul.py`` (a NUL byte in every parameter and
field), ``_dates`` (impossible dates and times), ``_lengths`` (over-long values), ``_bodies``
(JSON nested too deep, bodies over their limit), ``_paths`` (tile numbers and paths that are
not tiles, tracking codes with a slash), ``_bboxes`` (beyond a projection's domain) and
``_areas`` (the areas API's unknown parameters and bad pages).
"""

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
        "parent_code": "79",
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
        "page": "1",
        "page_size": "10",
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


def json_error(response, status: int, parameter: str | None = None) -> dict:
    """The JSON error body, after checking its status, type and parameter."""
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    assert not response.streaming
    body = response.json()
    assert body["detail"]
    if parameter is not None:
        assert body["parameter"] == parameter, body
    return body


def open311_error(response, status: int, mentions: str) -> str:
    """The description of a GeoReport v2 error document (JSON), naming the parameter."""
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    (error,) = response.json()
    assert error["code"] == status
    assert f"'{mentions}'" in error["description"], error
    return error["description"]


def submission(**changes) -> dict:
    """A valid feedback submission (JSON), with ``changes`` spoiling it."""
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


def open311_form(key: str, **changes) -> dict:
    """A valid Open311 request form posted with ``key``, with ``changes`` spoiling it."""
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
