"""GET /api/v1/areas/ and /api/v1/areas/{code}/: GeoJSON of versioned administrative areas."""

import json

import pytest
from shapely.geometry import box, shape

from layers.models import AdministrativeArea

pytestmark = pytest.mark.django_db

URL = "/api/v1/areas/"


def _error(response, status):
    assert response.status_code == status, response.content
    return response.json()


def _all_features(client, params):
    features, url = [], URL
    body = client.get(url, params).json()
    while True:
        features += body["features"]
        if not body["next"]:
            return features
        body = client.get(body["next"]).json()


def test_list_is_a_geojson_feature_collection_without_crs(client):
    body = client.get(URL, {"level": "ward", "page_size": 5}).json()
    assert body["type"] == "FeatureCollection"
    assert "crs" not in body
    feature = body["features"][0]
    assert feature["type"] == "Feature"
    assert feature["geometry"]["type"] == "MultiPolygon"
    assert set(feature["properties"]) >= {"name", "type", "level", "parent_code", "generation"}


def test_default_generation_is_the_current_one(client):
    body = client.get(URL, {"page_size": 500}).json()
    assert body["count"] == 169
    assert {f["properties"]["generation"] for f in body["features"]} == {"2025-07"}


def test_pagination_has_next_and_previous_links_and_a_count(client):
    first = client.get(URL, {"level": "ward", "page_size": 50}).json()
    assert first["count"] == 168
    assert first["previous"] is None
    assert "page=2" in first["next"]
    second = client.get(first["next"]).json()
    assert second["previous"] is not None
    assert not {f["id"] for f in first["features"]} & {f["id"] for f in second["features"]}
    features = _all_features(client, {"level": "ward", "page_size": 50})
    assert len({f["id"] for f in features}) == 168


def test_a_page_size_over_the_maximum_is_400_naming_it(client, settings):
    settings.COMMONMAP = {**settings.COMMONMAP, "PAGE_SIZE_MAX": 10}
    response = client.get(URL, {"page_size": 11})
    body = _error(response, 400)
    assert body["parameter"] == "page_size"
    assert body["detail"] == "'page_size' must be a whole number from 1 to 10, got '11'."
    assert len(client.get(URL, {"page_size": 10}).json()["features"]) == 10


def test_filter_by_old_generation_and_level(client):
    body = client.get(URL, {"generation": "2025-01", "level": "district", "page_size": 100}).json()
    assert body["count"] == 38
    assert {f["properties"]["level"] for f in body["features"]} == {"district"}


def test_filter_by_parent_code(client):
    features = _all_features(client, {"generation": "2025-01", "parent_code": "760"})
    expected = AdministrativeArea.objects.filter(generation__slug="2025-01", parent__code="760")
    assert sorted(f["id"] for f in features) == sorted(expected.values_list("code", flat=True))
    assert {f["properties"]["parent_code"] for f in features} == {"760"}
    assert len(features) == 10  # Quận 1 had 10 wards in 2025


@pytest.mark.parametrize("q", ["Ben Thanh", "bến thành", "BEN THANH", "Bến Thành", "ben  thanh"])
def test_name_search_works_with_and_without_diacritics(client, q):
    names = [f["properties"]["name"] for f in client.get(URL, {"q": q}).json()["features"]]
    assert names == ["Phường Bến Thành"]


def test_name_search_finds_d_with_stroke_from_plain_d(client):
    names = [f["properties"]["name"] for f in client.get(URL, {"q": "con dao"}).json()["features"]]
    assert names == ["Đặc khu Côn Đảo"]


def test_name_search_in_the_old_generation_finds_the_old_ward(client):
    body = client.get(URL, {"q": "Ben Nghe", "generation": "2025-01"}).json()
    assert [f["properties"]["name"] for f in body["features"]] == ["Phường Bến Nghé"]


def test_bbox_returns_exactly_the_areas_that_touch_it(client):
    bbox = (106.69, 10.77, 106.71, 10.78)
    features = _all_features(client, {"level": "ward", "bbox": ",".join(map(str, bbox))})
    window = box(*bbox)
    assert features
    assert all(shape(f["geometry"]).intersects(window) for f in features)
    everything = _all_features(client, {"level": "ward", "page_size": 500})
    expected = {f["id"] for f in everything if shape(f["geometry"]).intersects(window)}
    assert {f["id"] for f in features} == expected


@pytest.mark.parametrize(
    ("bbox", "detail"),
    [
        (
            "106.6,10.7,106.8",
            "'bbox' needs 4 comma-separated numbers, got 3: use "
            "bbox=minLon,minLat,maxLon,maxLat in WGS 84 degrees.",
        ),
        (
            "106.6,10.7,east,10.8",
            "'bbox' has a value that is not a number: use "
            "bbox=minLon,minLat,maxLon,maxLat in WGS 84 degrees.",
        ),
        (
            "106.8,10.7,106.6,10.8",
            "'bbox' minimum is greater than its maximum: the order is minLon,minLat,maxLon,maxLat.",
        ),
        ("10.7,106.6,10.8,106.8", "'bbox' latitudes must be between -90 and 90."),
        (
            "106.6,10.7,nan,10.8",
            "'bbox' values must be finite: use bbox=minLon,minLat,maxLon,maxLat in WGS 84 degrees.",
        ),
    ],
)
def test_malformed_bbox_is_400(client, bbox, detail):
    error = _error(client.get(URL, {"bbox": bbox}), 400)
    assert error["detail"] == detail
    assert error["parameter"] == "bbox"


def test_unknown_level_is_400_naming_the_parameter(client):
    error = _error(client.get(URL, {"level": "county"}), 400)
    assert error["parameter"] == "level"
    assert "county" in error["detail"]


def test_unknown_generation_is_400_listing_the_known_ones(client):
    error = _error(client.get(URL, {"generation": "1999"}), 400)
    assert (
        error["detail"]
        == "Unknown boundary generation '1999'; known generations: 2025-01, 2025-07."
    )


def _vertices(geometry):
    return sum(len(ring) for polygon in geometry["coordinates"] for ring in polygon)


def test_simplify_reduces_vertices_within_the_tolerance(client):
    full = client.get(f"{URL}79/").json()
    simple = client.get(f"{URL}79/", {"simplify": 500}).json()
    assert _vertices(simple["geometry"]) < _vertices(full["geometry"]) / 2
    # Simplification in metres: 500 m is about 0.0045°, so the shapes stay close.
    difference = shape(full["geometry"]).symmetric_difference(shape(simple["geometry"]))
    assert difference.area / shape(full["geometry"]).area < 0.05


@pytest.mark.parametrize("value", ["0", "-5", "abc", "20000"])
def test_bad_simplify_is_400(client, value):
    error = _error(client.get(URL, {"simplify": value}), 400)
    assert error["parameter"] == "simplify"


def test_detail_has_the_parent_chain(client):
    body = client.get(f"{URL}26740/", {"generation": "2025-01"}).json()
    assert body["properties"]["name"] == "Phường Bến Nghé"
    assert [p["name"] for p in body["properties"]["parents"]] == [
        "Quận 1",
        "Thành phố Hồ Chí Minh",
    ]


def test_detail_of_an_old_ward_lists_its_successor(client):
    body = client.get(f"{URL}26740/", {"generation": "2025-01"}).json()
    assert [(s["name"], s["whole"], s["generation"]) for s in body["properties"]["successors"]] == [
        ("Phường Sài Gòn", True, "2025-07")
    ]


def test_detail_of_a_new_ward_lists_its_predecessors(client):
    sai_gon = AdministrativeArea.objects.get(generation__slug="2025-07", name="Phường Sài Gòn")
    body = client.get(f"{URL}{sai_gon.code}/").json()
    assert body["properties"]["parents"] == [
        {"code": "79", "name": "Thành phố Hồ Chí Minh", "level": "province", "type": "thanh_pho"}
    ]
    assert sorted(p["name"] for p in body["properties"]["predecessors"]) == [
        "Phường Bến Nghé",
        "Phường Nguyễn Thái Bình",
        "Phường Đa Kao",
    ]


def test_detail_geometry_is_the_stored_geometry(client):
    area = AdministrativeArea.objects.get(generation__slug="2025-07", name="Phường Bến Thành")
    body = client.get(f"{URL}{area.code}/").json()
    assert shape(body["geometry"]).equals(shape(json.loads(area.geom.geojson)))


def test_unknown_code_is_404(client):
    error = _error(client.get(f"{URL}99999/"), 404)
    assert error["detail"] == "No area with code '99999' in generation 2025-07."


def test_code_of_an_abolished_district_is_404_with_a_hint(client):
    error = _error(client.get(f"{URL}760/"), 404)
    assert error["detail"] == "No area with code '760' in generation 2025-07."
    assert error["hint"] == "It exists in generation 2025-01: add ?generation=2025-01"


def test_generations_are_listed_oldest_first(client):
    body = client.get("/api/v1/generations/").json()
    assert [(g["slug"], g["valid_from"], g["valid_to"]) for g in body] == [
        ("2025-01", "2025-01-01", "2025-06-30"),
        ("2025-07", "2025-07-01", None),
    ]
