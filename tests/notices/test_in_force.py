"""The notices in force at a point and an instant: area borders, the window, the order."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from pyproj import Geod

from feedback.workflow import actor_for
from notices import services
from notices.models import Notice
from tests.notices.conftest import inside, shared_vertex

pytestmark = pytest.mark.django_db

URL = "/api/v1/notices/"


def _titles(lon: float, lat: float, at: str | None = None) -> list[str]:
    params = {"lon": lon, "lat": lat, **({"at": at} if at else {})}
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get(URL, params)
    assert response.status_code == 200, response.content
    return [n["title"] for n in response.json()["results"]]


def test_a_point_on_the_border_of_a_ward_set_is_covered(make_notice, wards):
    first, second = wards
    make_notice({"kind": "wards", "wards": [first.code]}, title="first")
    assert _titles(*shared_vertex(first, second)) == ["first (en)"]
    assert _titles(*inside(second)) == []


def test_a_point_on_the_edge_of_a_polygon_is_covered(make_notice, wards):
    lon, lat = inside(wards[0])
    d = 0.001
    ring = [[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d]]
    polygon = {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}
    make_notice({"kind": "polygon", "polygon": polygon}, title="drawn")
    assert _titles(lon, lat - d) == ["drawn (en)"]
    assert _titles(lon, lat - d - 0.0001) == []


def test_a_point_at_exactly_the_radius_is_covered(make_notice, wards):
    lon, lat = inside(wards[0])
    make_notice({"kind": "radius", "lon": lon, "lat": lat, "radius_m": 300}, title="round")
    geod = Geod(ellps="WGS84")
    at_radius = geod.fwd(lon, lat, 123.0, 300.0)[:2]
    beyond = geod.fwd(lon, lat, 123.0, 301.0)[:2]
    assert _titles(*at_radius) == ["round (en)"]
    assert _titles(*beyond) == []


def test_the_window_holds_its_start_not_its_end(make_notice, wards):
    start = timezone.now() + timedelta(days=1)
    end = start + timedelta(hours=2)
    make_notice({"kind": "wards", "wards": [wards[0].code]}, starts=start, ends=end, title="w")
    point = inside(wards[0])
    assert _titles(*point) == []  # not yet
    assert _titles(*point, at=start.isoformat()) == ["w (en)"]
    assert _titles(*point, at=(end - timedelta(seconds=1)).isoformat()) == ["w (en)"]
    assert _titles(*point, at=end.isoformat()) == []


def test_drafts_and_withdrawn_notices_are_not_in_force(make_notice, people, wards):
    area = {"kind": "wards", "wards": [wards[0].code]}
    make_notice(area, publish=False, title="draft")
    withdrawn = make_notice(area, title="withdrawn")
    services.withdraw(actor_for(people["city_staff"]), withdrawn.pk)
    assert _titles(*inside(wards[0])) == []


def test_the_most_severe_come_first(make_notice, wards):
    area = {"kind": "wards", "wards": [wards[0].code]}
    for severity in ("info", "danger", "warning"):
        make_notice(area, severity=severity, title=severity)
    assert _titles(*inside(wards[0])) == ["danger (en)", "warning (en)", "info (en)"]


def test_the_title_is_vietnamese_by_default(make_notice, wards):
    make_notice({"kind": "wards", "wards": [wards[0].code]}, title="Cắt nước")
    lon, lat = inside(wards[0])
    (notice,) = Client().get(URL, {"lon": lon, "lat": lat}).json()["results"]
    assert notice["title"] == "Cắt nước" and notice["body"] == "Nội dung"
    assert "created_by" not in notice and Notice.objects.count() == 1


@pytest.mark.parametrize(
    ("params", "parameter", "detail"),
    [
        ({"lon": 0.5, "lat": 0.5}, "lon", "The point lies outside the city."),
        (
            {"lon": 106.7, "lat": 10.77, "at": "yesterday"},
            "at",
            "'at' is not an ISO 8601 date and time: yesterday.",
        ),
        ({"lon": 106.7}, "lat", None),
    ],
)
def test_bad_queries_are_refused(params, parameter, detail):
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get(URL, params)
    assert response.status_code == 400
    assert response.json()["parameter"] == parameter
    if detail:
        assert response.json()["detail"] == detail
    else:
        assert response.json()["detail"]
