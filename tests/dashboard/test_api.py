"""The dashboard API: formats, the public subset, and every refusal."""

import csv
import io
import json

import pytest

from tests.dashboard.conftest import user

pytestmark = pytest.mark.django_db

URL = "/api/v1/dashboard/"
PUBLIC = "/api/v1/dashboard/public/"


@pytest.fixture
def leader_client(client, people):
    """A client signed in as the holder of ``dashboard.view_dashboard``."""
    client.force_login(people["permission"])
    return client


def test_json_has_every_ward_and_the_city_total(leader_client, items):
    body = leader_client.get(URL, {"period": "2026-03"}).json()
    assert [r["code"] for r in body["results"]] == ["81001", "81002", None]
    assert body["results"][0]["received"] == 3
    assert body["total"]["p90_hours"] == 264.0
    assert (body["generation"], body["level"], body["period"]) == ("thu-moi", "ward", "2026-03")
    assert body["as_of"] == "2026-04-01T00:00:00+07:00"


def test_csv_has_a_header_the_rows_and_the_total(leader_client, items):
    response = leader_client.get(URL, {"period": "2026-03", "format": "csv", "level": "district"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["code"] for r in rows] == ["801", "802", "", ""]
    assert rows[0]["received"] == "3" and rows[-1]["name"] == "The city"
    assert rows[-1]["on_time_pct"] == "33.3"


def test_geojson_has_each_ward_shape_with_its_measures(leader_client, items):
    response = leader_client.get(URL, {"period": "2026-03", "format": "geojson"})
    assert response["Content-Type"] == "application/geo+json"
    body = json.loads(response.content)
    first, _second, outside = body["features"]
    assert first["geometry"]["type"] == "MultiPolygon"
    assert first["properties"]["code"] == "81001" and first["properties"]["received"] == 3
    assert outside["geometry"] is None
    assert body["total"]["received"] == 4


def test_public_shows_counts_only_where_there_is_enough_data(client, items, settings):
    settings.COMMONMAP = {**settings.COMMONMAP, "DASHBOARD_PUBLIC_MIN_COUNT": 2}
    body = client.get(PUBLIC, {"period": "2026-03"}).json()
    west, east, _outside = body["results"]
    assert west == {
        "code": "81001",
        "name": "Phường Mới Tây",
        "enough_data": True,
        "received": 3,
        "resolved": 2,
        "on_time_pct": 50.0,
    }
    assert east == {
        "code": "81002",
        "name": "Phường Mới Đông",
        "enough_data": False,
        "received": None,
        "resolved": None,
        "on_time_pct": None,
    }
    assert body["min_count"] == 2 and body["total"]["received"] == 4


def test_public_outputs_carry_no_private_measure(client, items):
    for fmt in ("json", "csv", "geojson"):
        text = client.get(PUBLIC, {"period": "2026-03", "format": fmt}).content.decode()
        for private in ("overdue_now", "median_hours", "mean_rating", "TA", "106.605"):
            assert private not in text


@pytest.mark.parametrize(
    ("query", "parameter", "message"),
    [
        ({"period": "2026-13"}, "period", "Unknown period '2026-13': a month is 01 to 12."),
        ({"period": "last year"}, "period", "Unknown period 'last year'"),
        ({"period": "2026-Q5"}, "period", "Unknown period '2026-Q5'"),
        ({"generation": "nope"}, "generation", "Unknown generation 'nope'; known:"),
        ({"level": "street"}, "level", "Unknown level 'street'; use one of ward, district"),
        ({"format": "xml"}, "format", "Unknown format 'xml'; use one of json, csv, geojson."),
        ({"format": "geojson", "level": "city"}, "format", "The city level has no shapes"),
    ],
)
def test_bad_parameters_are_400_naming_them(client, city, query, parameter, message):
    response = client.get(PUBLIC, query)
    assert response.status_code == 400
    assert response.json()["parameter"] == parameter
    assert response.json()["detail"].startswith(message)


def test_anonymous_callers_are_told_to_sign_in_or_use_the_public_dashboard(client, city):
    response = client.get(URL)
    assert response.status_code == 401
    assert response.json()["hint"] == PUBLIC


def test_a_resident_may_not_see_the_leaders_dashboard(client, people):
    client.force_login(people["resident"])
    response = client.get(URL)
    assert response.status_code == 403
    assert response.json()["detail"].startswith("The leaders' dashboard is for leaders")


def test_a_feedback_leader_sees_everything(client, people, items):
    client.force_login(people["leader"])
    body = client.get(URL, {"period": "2026-03", "level": "district"}).json()
    assert body["total"]["received"] == 4


def test_ward_staff_see_their_own_wards_only(client, people, items):
    client.force_login(people["ward_staff"])
    body = client.get(URL, {"period": "2026-03"}).json()
    assert [r["code"] for r in body["results"]] == ["81001"]
    assert body["results"][0]["overdue_now"] == 1
    assert body["total"] is None


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"level": "district"}, "Ward staff see their own wards only, not level 'district'."),
        ({"generation": "thu-cu"}, "Ward staff see their own wards in today's boundaries only."),
    ],
)
def test_ward_staff_may_not_ask_for_rollups_or_old_wards(client, people, query, message):
    client.force_login(people["ward_staff"])
    response = client.get(URL, query)
    assert response.status_code == 403
    assert response.json()["detail"] == message


def test_staff_of_another_ward_see_none_of_these(client, city, items):
    client.force_login(user("can_bo_khac", "ward_staff", "99999"))
    assert client.get(URL, {"period": "2026-03"}).json()["results"] == []
