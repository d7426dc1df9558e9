"""GET/POST /api/v1/lookup/: which ward contains a point, on a date."""

import random
from datetime import date

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon

from layers import boundaries
from layers.models import AdministrativeArea

pytestmark = pytest.mark.django_db

URL = "/api/v1/lookup/"


def _ward(name, slug="2025-07"):
    return AdministrativeArea.objects.get(generation__slug=slug, level="ward", name=name)


def _error(response, status):
    assert response.status_code == status, response.content
    return response.json()


def test_label_point_of_a_ward_resolves_to_that_ward_and_the_city(client):
    ward = _ward("Phường Bến Thành")
    body = client.get(URL, {"lon": ward.label_point.x, "lat": ward.label_point.y}).json()
    assert body["area"] == {
        "code": ward.code,
        "name": "Phường Bến Thành",
        "level": "ward",
        "type": "phuong",
    }
    assert [p["code"] for p in body["parents"]] == ["79"]
    assert body["generation"]["slug"] == "2025-07"


def test_default_date_is_today_under_the_current_generation(client):
    ward = _ward("Phường Sài Gòn")
    body = client.get(URL, {"lon": ward.label_point.x, "lat": ward.label_point.y}).json()
    assert body["date"] == date.today().isoformat()
    assert body["generation"]["valid_to"] is None


def test_a_date_before_the_reform_uses_the_old_wards_with_their_district(client):
    old = _ward("Phường Bến Nghé", slug="2025-01")
    point = {"lon": old.label_point.x, "lat": old.label_point.y}
    body = client.get(URL, {**point, "date": "2025-06-30"}).json()
    assert body["area"]["code"] == old.code
    assert [(p["level"], p["name"]) for p in body["parents"]] == [
        ("district", "Quận 1"),
        ("province", "Thành phố Hồ Chí Minh"),
    ]
    assert body["generation"]["slug"] == "2025-01"


def test_the_day_of_the_reform_switches_generation(client):
    old = _ward("Phường Bến Nghé", slug="2025-01")
    point = {"lon": old.label_point.x, "lat": old.label_point.y}
    body = client.get(URL, {**point, "date": "2025-07-01"}).json()
    assert body["generation"]["slug"] == "2025-07"
    expected = AdministrativeArea.objects.get(
        generation__slug="2025-07", level="ward", geom__intersects=old.label_point
    )
    assert body["area"]["code"] == expected.code


def test_every_current_ward_centre_resolves_to_its_own_ward(client):
    wards = list(AdministrativeArea.objects.filter(generation__slug="2025-07", level="ward"))
    points = [[w.label_point.x, w.label_point.y] for w in wards]
    body = client.post(URL, points, content_type="application/json").json()
    assert [r["area"]["code"] for r in body["results"]] == [w.code for w in wards]
    assert body["matched"] == body["count"] == 168


def test_every_old_ward_centre_resolves_to_its_own_ward_on_an_old_date(client):
    wards = list(AdministrativeArea.objects.filter(generation__slug="2025-01", level="ward"))
    points = [{"lon": w.label_point.x, "lat": w.label_point.y} for w in wards]
    response = client.post(f"{URL}?date=2025-03-15", points, content_type="application/json")
    assert [r["area"]["code"] for r in response.json()["results"]] == [w.code for w in wards]


@pytest.fixture
def border_generation():
    """Two square wards sharing the edge lon=106.5, in a generation of the year 2000."""
    generation, _ = boundaries.upsert_generation(
        "test-border", name="Border test", valid_from=date(2000, 1, 1), valid_to=date(2000, 12, 31)
    )

    def square(x0, x1):
        return MultiPolygon(Polygon.from_bbox((x0, 10.0, x1, 11.0)), srid=4326)

    # The higher code is stored first: the answer must not follow insertion order.
    boundaries.store_areas(
        generation,
        [
            boundaries.AreaInput("90", "Tỉnh Thử", "tinh", "province", None, square(106.0, 107.0)),
            boundaries.AreaInput("90002", "Xã Đông", "xa", "ward", "90", square(106.5, 107.0)),
            boundaries.AreaInput("90001", "Xã Tây", "xa", "ward", "90", square(106.0, 106.5)),
        ],
    )
    return generation


def test_point_on_shared_border_gets_the_lower_code(client, border_generation):
    body = client.get(URL, {"lon": 106.5, "lat": 10.5, "date": "2000-06-01"}).json()
    assert body["area"]["code"] == "90001"
    assert body["parents"][0]["code"] == "90"


def test_point_on_shared_border_gets_the_same_answer_in_a_batch(client, border_generation):
    points = [[106.5, 10.5], [106.25, 10.5], [106.5, 10.5], [106.75, 10.5], [106.5, 11.0]]
    body = client.post(f"{URL}?date=2000-06-01", points, content_type="application/json").json()
    assert [r["area"]["code"] for r in body["results"]] == [
        "90001",
        "90001",
        "90001",
        "90002",
        "90001",
    ]


def test_point_on_a_shared_vertex_of_two_demo_wards_gets_the_lowest_covering_code(client):
    ben_thanh = _ward("Phường Bến Thành")
    neighbour = (
        AdministrativeArea.objects.filter(generation__slug="2025-07", level="ward")
        .exclude(pk=ben_thanh.pk)
        .filter(geom__touches=ben_thanh.geom)
        .first()
    )
    shared = set(ben_thanh.geom.coords[0][0]) & set(neighbour.geom.coords[0][0])
    assert shared, "adjacent demo wards share exact vertices"
    lon, lat = sorted(shared)[0]
    from django.contrib.gis.geos import Point

    covering = AdministrativeArea.objects.filter(
        generation__slug="2025-07", level="ward", geom__intersects=Point(lon, lat, srid=4326)
    ).values_list("code", flat=True)
    assert len(covering) >= 2
    body = client.get(URL, {"lon": lon, "lat": lat}).json()
    assert body["area"]["code"] == min(covering)


def test_point_outside_every_area_is_404(client):
    error = _error(client.get(URL, {"lon": 105.8542, "lat": 21.0285}), 404)  # Hà Nội
    assert error["detail"] == (
        "The point lon=105.8542, lat=21.0285 is outside every area of boundary generation "
        f"2025-07 (valid on {date.today().isoformat()})."
    )


def test_date_before_every_generation_is_404_with_the_first_known_date(client):
    error = _error(client.get(URL, {"lon": 106.7, "lat": 10.78, "date": "2019-01-01"}), 404)
    assert error["detail"] == "No boundary generation is valid on 2019-01-01."
    assert error["hint"] == "Boundaries are known from 2025-01-01 on."


@pytest.mark.parametrize(
    ("params", "parameter", "detail"),
    [
        ({"lat": "10.7"}, "lon", "Missing required parameter 'lon'."),
        ({"lon": "106.7"}, "lat", "Missing required parameter 'lat'."),
        ({"lon": "", "lat": "10.7"}, "lon", "Missing required parameter 'lon'."),
        (
            {"lon": "abc", "lat": "10.7"},
            "lon",
            "'lon' must be a number in decimal degrees, got 'abc'.",
        ),
        (
            {"lon": "106,7", "lat": "10.7"},
            "lon",
            "'lon' must be a number in decimal degrees, got '106,7'.",
        ),
        ({"lon": "nan", "lat": "10.7"}, "lon", "'lon' must be a finite number, got 'nan'."),
        ({"lon": "106.7", "lat": "inf"}, "lat", "'lat' must be a finite number, got 'inf'."),
        (
            {"lon": "190", "lat": "10.7"},
            "lon",
            "longitude 190.0 is out of range: it must be between -180 and 180.",
        ),
        (
            {"lon": "106.7", "lat": "-91"},
            "lat",
            "latitude -91.0 is out of range: it must be between -90 and 90.",
        ),
    ],
)
def test_bad_coordinates_are_400_naming_the_parameter(client, params, parameter, detail):
    error = _error(client.get(URL, params), 400)
    assert error["detail"] == detail
    assert error["parameter"] == parameter
    assert error["code"] == "invalid_parameter"


def test_swapped_lat_lon_gets_a_hint(client):
    error = _error(client.get(URL, {"lon": "10.7769", "lat": "106.7009"}), 400)
    assert error["parameter"] == "lat"
    assert error["hint"] == "lon and lat look swapped: did you mean lon=106.7009&lat=10.7769?"


def test_malformed_date_is_400(client):
    error = _error(client.get(URL, {"lon": 106.7, "lat": 10.78, "date": "25/12/2025"}), 400)
    assert error == {
        "detail": "'date' must be a calendar date as YYYY-MM-DD, got '25/12/2025'.",
        "code": "invalid_parameter",
        "parameter": "date",
    }


def test_batch_answers_in_input_order_like_single_lookups(client):
    rng = random.Random(7)
    points = [[rng.uniform(106.4, 107.0), rng.uniform(10.4, 11.2)] for _ in range(60)]
    body = client.post(URL, points, content_type="application/json").json()
    assert [[r["lon"], r["lat"]] for r in body["results"]] == points
    for (lon, lat), result in zip(points, body["results"], strict=True):
        single = client.get(URL, {"lon": lon, "lat": lat})
        expected = single.json()["area"] if single.status_code == 200 else None
        assert result["area"] == expected


def test_batch_accepts_a_geojson_multipoint(client):
    ward = _ward("Phường Sài Gòn")
    multipoint = {"type": "MultiPoint", "coordinates": [[ward.label_point.x, ward.label_point.y]]}
    body = client.post(URL, multipoint, content_type="application/json").json()
    assert body["results"][0]["area"]["name"] == "Phường Sài Gòn"


def test_batch_marks_points_outside_the_city_with_a_null_area(client):
    body = client.post(URL, [[105.8542, 21.0285]], content_type="application/json").json()
    assert body["results"][0]["area"] is None
    assert body["matched"] == 0


def test_batch_of_10000_points_is_two_queries(client, django_assert_num_queries):
    """The areas of all points in one statement, then each distinct area once."""
    rng = random.Random(1)
    points = [[rng.uniform(106.3, 107.5), rng.uniform(10.3, 11.5)] for _ in range(10_000)]
    with django_assert_num_queries(2):
        response = client.post(URL, points, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["count"] == 10_000


def test_batch_over_the_limit_is_413(client):
    points = [[106.7, 10.78]] * 10_001
    error = _error(client.post(URL, points, content_type="application/json"), 413)
    assert error["detail"] == ("The batch has 10001 points; at most 10000 are allowed per request.")


@pytest.mark.parametrize(
    ("body", "parameter", "detail"),
    [
        ([], "points", "The batch has no points."),
        (
            {"lon": 1},
            "points",
            'The body must be a JSON list of [lon, lat] pairs or {"lon", "lat"} objects, '
            "or a GeoJSON MultiPoint.",
        ),
        (
            [[106.7, 10.7], "x"],
            "points[1]",
            'points[1] must be [lon, lat] or {"lon": …, "lat": …}, got \'x\'.',
        ),
        (
            [[106.7, 10.7], [106.7]],
            "points[1]",
            'points[1] must be [lon, lat] or {"lon": …, "lat": …}, got [106.7].',
        ),
        (
            [[106.7, 10.7], {"lon": 106.7}],
            "points[1].lat",
            "Missing required parameter 'points[1].lat'.",
        ),
        (
            [[106.7, 10.7], [106.7, 95]],
            "points[1].lat",
            "points[1]: latitude 95.0 is out of range: it must be between -90 and 90.",
        ),
    ],
)
def test_bad_batches_are_400_naming_the_point(client, body, parameter, detail):
    error = _error(client.post(URL, body, content_type="application/json"), 400)
    assert error["parameter"] == parameter
    assert error["detail"] == detail


def test_batch_with_malformed_json_is_400(client):
    error = _error(client.post(URL, "[[106.7, 10.7]", content_type="application/json"), 400)
    assert "JSON parse error" in error["detail"]


def test_a_district_without_wards_is_the_answer_where_it_has_no_wards(client):
    # Côn Đảo was a district with no wards until 2025-06-30, a special zone since.
    con_dao = AdministrativeArea.objects.get(generation__slug="2025-01", name="Huyện Côn Đảo")
    point = {"lon": con_dao.label_point.x, "lat": con_dao.label_point.y}
    before = client.get(URL, {**point, "date": "2025-06-30"}).json()
    assert (before["area"]["level"], before["area"]["name"]) == ("district", "Huyện Côn Đảo")
    assert [p["name"] for p in before["parents"]] == ["Tỉnh Bà Rịa - Vũng Tàu"]
    after = client.get(URL, {**point, "date": "2025-07-01"}).json()
    assert (after["area"]["type"], after["area"]["name"]) == ("dac_khu", "Đặc khu Côn Đảo")
