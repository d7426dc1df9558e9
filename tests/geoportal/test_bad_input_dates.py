"""Impossible dates and times in every date parameter are a 400 naming it; the first and last
days of the calendar are dates.
"""

import pytest

from tests.geoportal.bad_input import json_error, open311_error

pytestmark = pytest.mark.django_db

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


@pytest.mark.parametrize("raw", IMPOSSIBLE_DATES)
@pytest.mark.parametrize(("url", "params", "name"), DATE_PARAMETERS)
def test_an_impossible_date_is_400_naming_the_parameter(staff_client, url, params, name, raw):
    json_error(staff_client.get(url, {**params, name: raw}), 400, name)


@pytest.mark.parametrize(
    "raw", ["2025-02-30/..", "../2025-01-01T24:30:00Z", "2025-01-01/2025-13-01"]
)
@pytest.mark.parametrize(
    "url", ["/api/v1/layers/feedback/features/", "/ogc/collections/feedback/items"]
)
def test_an_interval_with_an_impossible_end_is_400(client, url, raw):
    body = json_error(client.get(url, {"datetime": raw}), 400, "datetime")
    assert "RFC 3339" in body["detail"]


@pytest.mark.parametrize("raw", IMPOSSIBLE_DATES)
@pytest.mark.parametrize("name", ["start_date", "end_date"])
def test_an_impossible_open311_date_is_400_naming_it(client, name, raw):
    response = client.get("/open311/v2/requests.json", {name: raw})
    description = open311_error(response, 400, name)
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
