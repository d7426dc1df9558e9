"""OGC API - Features at /ogc/: property filters, sorting, properties, bbox and datetime."""

from datetime import UTC, datetime

import pytest
from django.contrib.gis.geos import Polygon

from layers.crs import vn2000_transformer
from tests.layers.ogc.support import (
    EPSG_4326,
    EPSG_9210,
    current_areas,
    feature_ids,
    ok_body,
)

pytestmark = pytest.mark.django_db


# --- filters -------------------------------------------------------------------------------


def test_property_filter_matches_the_orm(client):
    body = ok_body(client.get("/ogc/collections/areas/items", {"level": "ward", "limit": "500"}))
    assert body["numberMatched"] == current_areas().filter(level="ward").count() == 168
    assert {f["properties"]["level"] for f in body["features"]} == {"ward"}


def test_property_filter_with_commas_is_any_of(client):
    body = ok_body(client.get("/ogc/collections/areas/items", {"type": "xa,dac_khu"}))
    expected = current_areas().filter(area_type__in=["xa", "dac_khu"])
    assert body["numberMatched"] == expected.count() == 55
    assert {f["properties"]["type"] for f in body["features"]} == {"xa", "dac_khu"}


def test_sortby_descending_code(client):
    body = ok_body(client.get("/ogc/collections/areas/items", {"sortby": "-code", "limit": "500"}))
    codes = [f["properties"]["code"] for f in body["features"]]
    assert codes == sorted(current_areas().values_list("code", flat=True), reverse=True)


def test_properties_parameter_chooses_the_properties(client):
    body = ok_body(client.get("/ogc/collections/areas/items", {"properties": "name,code"}))
    assert {tuple(f["properties"]) for f in body["features"]} == {("name", "code")}


def test_bbox_in_crs84_matches_the_orm_intersection(client):
    bbox = (106.69, 10.77, 106.71, 10.785)
    body = ok_body(
        client.get(
            "/ogc/collections/areas/items", {"bbox": ",".join(map(str, bbox)), "limit": "500"}
        )
    )
    expected = current_areas().filter(geom__intersects=Polygon.from_bbox(bbox))
    assert feature_ids(body) == set(expected.values_list("code", flat=True))
    assert 2 <= body["numberMatched"] < 169


def test_bbox_of_six_numbers_selects_by_its_horizontal_part(client):
    flat = ok_body(
        client.get("/ogc/collections/areas/items", {"bbox": "106.69,10.77,106.71,10.785"})
    )
    with_heights = ok_body(
        client.get("/ogc/collections/areas/items", {"bbox": "106.69,10.77,-100,106.71,10.785,2000"})
    )
    assert feature_ids(with_heights) == feature_ids(flat)
    assert with_heights["numberMatched"] >= 2


def test_bbox_of_six_numbers_in_epsg_4326_is_latitude_first(client):
    lon_first = ok_body(
        client.get("/ogc/collections/areas/items", {"bbox": "106.69,10.77,106.71,10.785"})
    )
    lat_first = ok_body(
        client.get(
            "/ogc/collections/areas/items",
            {"bbox": "10.77,106.69,0,10.785,106.71,50", "bbox-crs": EPSG_4326},
        )
    )
    assert feature_ids(lat_first) == feature_ids(lon_first)


def test_bbox_of_five_numbers_is_refused(client):
    response = client.get("/ogc/collections/areas/items", {"bbox": "106.69,10.77,0,106.71,10.785"})
    assert response.status_code == 400
    assert response.json()["parameter"] == "bbox"


def test_api_definition_allows_a_bbox_of_four_or_six_numbers(client):
    definition = client.get("/ogc/api", {"f": "json"}).json()
    schema = definition["components"]["parameters"]["bbox"]["schema"]
    assert (schema["minItems"], schema["maxItems"]) == (4, 6)


def test_bbox_in_epsg_4326_is_latitude_first(client):
    lon_first = ok_body(
        client.get("/ogc/collections/areas/items", {"bbox": "106.69,10.77,106.71,10.785"})
    )
    lat_first = ok_body(
        client.get(
            "/ogc/collections/areas/items",
            {"bbox": "10.77,106.69,10.785,106.71", "bbox-crs": EPSG_4326},
        )
    )
    assert feature_ids(lat_first) == feature_ids(lon_first)
    assert lat_first["numberMatched"] >= 2


def test_bbox_in_vn2000_tm3_selects_the_points_inside_it(client, points_layer):
    to_tm3 = vn2000_transformer(4326, 9210)
    features = list(points_layer.features.order_by("id"))
    xy = {f.id: to_tm3.transform(f.geom.x, f.geom.y) for f in features}
    # Points 3 to 9 of the line, with 50 m to spare (half the spacing) on each side.
    inside = [f.id for f in features[3:10]]
    xs, ys = [xy[i][0] for i in inside], [xy[i][1] for i in inside]
    bbox = (min(xs) - 50, min(ys) - 50, max(xs) + 50, max(ys) + 50)
    expected = {
        i for i, (x, y) in xy.items() if bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3]
    }
    assert expected == set(inside)
    body = ok_body(
        client.get(
            "/ogc/collections/tram-sac/items",
            {"bbox": ",".join(f"{v:.3f}" for v in bbox), "bbox-crs": EPSG_9210},
        )
    )
    assert feature_ids(body) == expected
    assert body["numberMatched"] == 7


def test_datetime_interval_matches_the_orm(client, points_layer):
    body = ok_body(
        client.get(
            "/ogc/collections/tram-sac/items",
            {"datetime": "2025-03-01T00:00:00Z/2025-05-31T23:59:59Z"},
        )
    )
    expected = points_layer.features.filter(
        time__gte=datetime(2025, 3, 1, tzinfo=UTC),
        time__lte=datetime(2025, 5, 31, 23, 59, 59, tzinfo=UTC),
    )
    assert feature_ids(body) == set(expected.values_list("id", flat=True))
    assert body["numberMatched"] == 3


def test_datetime_open_interval_and_single_day(client, points_layer):
    open_start = ok_body(
        client.get("/ogc/collections/tram-sac/items", {"datetime": "../2025-02-15"})
    )
    assert open_start["numberMatched"] == 2  # January and February 2025
    open_end = ok_body(client.get("/ogc/collections/tram-sac/items", {"datetime": "2026-06-01/.."}))
    assert (
        open_end["numberMatched"]
        == points_layer.features.filter(time__gte=datetime(2026, 6, 1, tzinfo=UTC)).count()
    )
    one_day = ok_body(client.get("/ogc/collections/tram-sac/items", {"datetime": "2025-04-01"}))
    assert one_day["numberMatched"] == 1
