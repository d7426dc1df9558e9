"""Target areas: a ward set, a drawn polygon, a radius; borders inside; every refusal named.

Uses the demo boundaries (generation ``2025-07`` in force, ``2025-01`` before the reform).
"""

import json

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from psycopg import sql
from pyproj import Geod

from core.errors import InvalidParameter
from layers.models import AdministrativeArea
from layers.target_areas import MAX_POLYGON_VERTICES, covers, covers_sql, target_area

pytestmark = pytest.mark.django_db

GEOD = Geod(ellps="WGS84")


@pytest.fixture
def ward() -> AdministrativeArea:
    """A ward of the generation in force."""
    return AdministrativeArea.objects.filter(generation__slug="2025-07", level="ward").first()


def _box(lon: float, lat: float, half: float = 0.002) -> dict:
    west, south, east, north = lon - half, lat - half, lon + half, lat + half
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def _refusal(spec: object) -> InvalidParameter:
    with pytest.raises(InvalidParameter) as caught:
        target_area(spec)
    return caught.value


def _covers_in_db(area, point: Point) -> bool:
    radius = sql.Literal(area.radius_m) if area.radius_m is not None else sql.SQL("NULL::float8")
    center = (
        sql.SQL("ST_GeomFromEWKT({})").format(sql.Literal(area.center.ewkt))
        if area.center
        else sql.SQL("NULL::geometry")
    )
    condition = covers_sql(
        sql.SQL("ST_GeomFromEWKT({})").format(sql.Literal(area.geom.ewkt)),
        center,
        radius,
        sql.SQL("ST_SetSRID(ST_MakePoint({}, {}), 4326)").format(
            sql.Literal(point.x), sql.Literal(point.y)
        ),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("SELECT {}").format(condition).as_string(cursor.connection))
        return cursor.fetchone()[0]


def test_ward_set_covers_a_point_on_its_border(ward):
    area = target_area({"kind": "wards", "wards": [ward.code]})
    vertex = Point(*area.geom[0].exterior_ring[0], srid=4326)
    assert area.kind == "wards" and area.ward_codes == (ward.code,)
    assert area.generation == "2025-07" and ward.name in area.description
    assert covers(area, vertex) and _covers_in_db(area, vertex)
    assert not covers(area, Point(107.6, 9.6, srid=4326))


def test_ward_set_of_the_old_generation(ward):
    old = AdministrativeArea.objects.filter(generation__slug="2025-01", level="ward").first()
    area = target_area({"kind": "wards", "wards": [old.code], "generation": "2025-01"})
    assert area.generation == "2025-01" and area.geom.area > 0


def test_unknown_ward_code_is_named():
    error = _refusal({"kind": "wards", "wards": ["99999"]})
    assert error.parameter == "area.wards"
    assert error.message == "Unknown ward code(s) in generation 2025-07: 99999."


def test_unknown_generation_is_named(ward):
    error = _refusal({"kind": "wards", "wards": [ward.code], "generation": "1975"})
    assert error.parameter == "area.generation"
    assert error.message == "Unknown boundary generation; known: 2025-01, 2025-07."


def test_unknown_kind_is_named():
    assert _refusal({"kind": "circle"}).parameter == "area.kind"
    assert _refusal([]).parameter == "area"


def test_polygon_covers_a_point_on_its_edge(ward):
    label = ward.label_point or ward.geom.point_on_surface
    area = target_area({"kind": "polygon", "polygon": _box(label.x, label.y)})
    on_edge = Point(label.x, label.y - 0.002, srid=4326)
    assert area.kind == "polygon" and area.repairs == ()
    assert ward.code in area.ward_codes
    assert covers(area, on_edge) and _covers_in_db(area, on_edge)
    assert not covers(area, Point(label.x, label.y - 0.0021, srid=4326))


def test_self_intersecting_polygon_is_repaired_and_reported(ward):
    p = ward.label_point or ward.geom.point_on_surface
    d = 0.002
    bow_tie = [[p.x - d, p.y - d], [p.x + d, p.y + d], [p.x + d, p.y - d], [p.x - d, p.y + d]]
    polygon = {"type": "Polygon", "coordinates": [[*bow_tie, bow_tie[0]]]}
    area = target_area({"kind": "polygon", "polygon": polygon})
    assert len(area.repairs) == 1 and area.repairs[0].startswith("Repaired: Self-intersection")
    assert len(area.geom) == 2  # the bow-tie's two triangles


def test_polygon_outside_the_city_is_refused():
    error = _refusal({"kind": "polygon", "polygon": _box(0.5, 0.5)})
    assert (error.parameter, error.message) == (
        "area.polygon",
        "The polygon lies outside the city.",
    )


def test_polygon_with_no_area_is_refused(ward):
    p = ward.label_point or ward.geom.point_on_surface
    line = [[p.x, p.y], [p.x + 0.001, p.y], [p.x + 0.002, p.y], [p.x, p.y]]
    error = _refusal({"kind": "polygon", "polygon": {"type": "Polygon", "coordinates": [line]}})
    assert error.parameter == "area.polygon"
    assert error.message.startswith("The polygon has no area")


OPEN_RING = [[106.7, 10.7], [106.8, 10.7], [106.8, 10.8], [106.7, 10.8]]
NOT_A_POLYGON = "The polygon must be a GeoJSON Polygon or MultiPolygon."


@pytest.mark.parametrize(
    ("polygon", "message"),
    [
        ("{not json", "The polygon is not valid JSON."),
        ({"type": "Point", "coordinates": [106.7, 10.7]}, NOT_A_POLYGON),
        (None, NOT_A_POLYGON),
        (
            {"type": "Polygon", "coordinates": [OPEN_RING[:3]]},
            "Each ring needs at least four positions.",
        ),
        ({"type": "Polygon", "coordinates": [OPEN_RING]}, "Each ring must end where it starts."),
        (
            {"type": "Polygon", "coordinates": [[["a", 1], [1, 1], [1, 2], ["a", 1]]]},
            "Each position must be [longitude, latitude] in degrees (WGS 84).",
        ),
        ({"type": "MultiPolygon", "coordinates": []}, "The polygon must have 1 to 50 parts."),
    ],
)
def test_malformed_polygon_is_refused(polygon, message):
    error = _refusal({"kind": "polygon", "polygon": polygon})
    assert (error.parameter, error.message) == ("area.polygon", message)


def test_polygon_with_too_many_vertices_is_refused():
    ring = [[106.7 + i * 1e-6, 10.7 + (i % 2) * 1e-6] for i in range(MAX_POLYGON_VERTICES + 1)]
    ring.append(ring[0])
    error = _refusal(
        {"kind": "polygon", "polygon": json.dumps({"type": "Polygon", "coordinates": [ring]})}
    )
    assert error.message == f"The polygon has more than {MAX_POLYGON_VERTICES} vertices."


def test_radius_covers_a_point_at_exactly_the_radius(ward):
    p = ward.label_point or ward.geom.point_on_surface
    area = target_area({"kind": "radius", "lon": p.x, "lat": p.y, "radius_m": 500})
    lon, lat, _back = GEOD.fwd(p.x, p.y, 37.0, 500.0)
    at_radius = Point(lon, lat, srid=4326)
    lon, lat, _back = GEOD.fwd(p.x, p.y, 37.0, 501.0)
    beyond = Point(lon, lat, srid=4326)
    assert area.kind == "radius" and area.radius_m == 500.0 and ward.code in area.ward_codes
    assert covers(area, at_radius) and _covers_in_db(area, at_radius)
    assert not covers(area, beyond) and not _covers_in_db(area, beyond)


@pytest.mark.parametrize(
    ("spec", "parameter", "message"),
    [
        ({"radius_m": 5}, "area.radius_m", "This must be between 10 and 50000."),
        ({"radius_m": 50_001}, "area.radius_m", "This must be between 10 and 50000."),
        ({"radius_m": "500"}, "area.radius_m", "This must be a number."),
        ({"lon": 200}, "area.lon", "This must be between -180 and 180."),
        ({"lon": 0.5, "lat": 0.5}, "area.lon", "The centre lies outside the city."),
    ],
)
def test_bad_radius_is_refused(spec, parameter, message):
    error = _refusal({"kind": "radius", "lon": 106.7, "lat": 10.77, "radius_m": 500, **spec})
    assert (error.parameter, error.message) == (parameter, message)


def test_heights_in_a_polygon_are_dropped(ward):
    p = ward.label_point or ward.geom.point_on_surface
    ring = [[x, y, 12.5] for x, y in _box(p.x, p.y)["coordinates"][0]]
    area = target_area({"kind": "polygon", "polygon": {"type": "Polygon", "coordinates": [ring]}})
    assert not area.geom.hasz
