"""The GeoJSON API over the layer registry (/api/v1/layers/…): near and nearest, one
feature, and the export."""

import json
import unicodedata

import pytest
from django.contrib.gis.geos import Point

from layers.models import AdministrativeArea, Feature, Layer
from tests.layers.features_api.support import (
    BEN_THANH,
    GEOD,
    error_body,
    ok_body,
)

pytestmark = pytest.mark.django_db


# --- proximity ------------------------------------------------------------------------


def test_near_returns_features_within_true_metres_with_their_distance(client, points_layer):
    body = ok_body(
        client.get(
            "/api/v1/layers/tram-sac/features/", {"near": "106.7009,10.7769", "radius": "1000"}
        )
    )
    # Points lie 0, 100, ... 5900 m east: 0..1000 m is 11 points; 1000 m itself is on the edge.
    assert body["count"] in (10, 11)
    for feature in body["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        _a, _b, metres = GEOD.inv(*BEN_THANH, lon, lat)
        assert feature["properties"]["distance_m"] == pytest.approx(metres, abs=0.01)
        assert metres <= 1000.01
    distances = [f["properties"]["distance_m"] for f in body["features"]]
    assert distances == sorted(distances)


def test_nearest_k_are_the_true_k_nearest_in_order(client, points_layer):
    origin = GEOD.fwd(*BEN_THANH, 90, 2_240)[:2]  # between points 22 and 23, nearer 22
    body = ok_body(
        client.get(
            "/api/v1/layers/tram-sac/features/", {"nearest": f"{origin[0]},{origin[1]}", "k": "5"}
        )
    )
    got = [f["properties"]["so_giuong"] for f in body["features"]]
    by_distance = sorted(
        points_layer.features.all(), key=lambda f: GEOD.inv(*origin, f.geom.x, f.geom.y)[2]
    )
    assert got == [f.attributes["so_giuong"] for f in by_distance[:5]] == [22, 23, 21, 24, 20]
    assert body["count"] == 5


def test_the_five_nearest_one_stop_desks_style_query_combines_filters(client, points_layer):
    body = ok_body(
        client.get(
            "/api/v1/layers/tram-sac/features/",
            {"nearest": "106.7009,10.7769", "k": "3", "mo_cua": "false"},
        )
    )
    assert [f["properties"]["so_giuong"] for f in body["features"]] == [1, 3, 5]


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"near": "106.7"}, "near"),
        ({"near": "106.7,10.7"}, "radius"),
        ({"near": "106.7,10.7", "radius": "-5"}, "radius"),
        ({"near": "106.7,10.7", "radius": "1e9"}, "radius"),
        ({"near": "10.7,106.7", "radius": "100"}, "near.lat"),
        ({"nearest": "106.7,10.7", "k": "0"}, "k"),
        ({"nearest": "106.7,10.7", "k": "2.5"}, "k"),
        ({"radius": "100"}, "radius"),
        ({"near": "106.7,10.7", "radius": "9", "nearest": "106.7,10.7"}, "nearest"),
    ],
)
def test_malformed_proximity_parameters_are_refused(client, params, parameter):
    error_body(client.get("/api/v1/layers/areas/features/", params), 400, parameter)


# --- one feature, export ----------------------------------------------------------------


def test_feature_detail_and_its_404s(client, points_layer):
    feature = points_layer.features.get(attributes__so_giuong=5)
    body = ok_body(client.get(f"/api/v1/layers/tram-sac/features/{feature.pk}/"))
    assert body["id"] == feature.pk and body["properties"]["ten"] == "Trạm sạc Bến Thành 5"
    assert body["geometry"]["coordinates"] == pytest.approx(
        [feature.geom.x, feature.geom.y], abs=1e-7
    )
    error_body(client.get("/api/v1/layers/tram-sac/features/999999999/"), 404)
    error_body(client.get("/api/v1/layers/tram-sac/features/abc/"), 404)
    error_body(client.get("/api/v1/layers/tram-sac/features/99999999999999999999999/"), 404)
    other = Feature.objects.create(
        layer=Layer.objects.create(slug="khac", title="Khác"), geom=Point(1, 1, srid=4326)
    )
    error_body(client.get(f"/api/v1/layers/tram-sac/features/{other.pk}/"), 404)


def test_export_streams_the_whole_filtered_layer(client, points_layer):
    response = client.get("/api/v1/layers/tram-sac/export/", {"mo_cua": "true"})
    assert response.streaming
    assert response["Content-Type"] == "application/geo+json"
    assert 'filename="tram-sac.geojson"' in response["Content-Disposition"]
    body = ok_body(response)
    assert len(body["features"]) == 30
    assert {f["id"] for f in body["features"]} == set(
        points_layer.features.filter(attributes__mo_cua=True).values_list("pk", flat=True)
    )


def test_export_of_an_empty_selection_is_valid_geojson(client):
    body = ok_body(client.get("/api/v1/layers/areas/export/", {"code": "00000"}))
    assert body == {"type": "FeatureCollection", "layer": "areas", "features": []}


def test_names_keep_their_diacritics_in_nfc(client):
    body = ok_body(client.get("/api/v1/layers/areas/features/", {"q": "thu duc"}))
    names = [f["properties"]["name"] for f in body["features"]]
    assert names and all(unicodedata.is_normalized("NFC", n) for n in names)
    assert any("Thủ Đức" in n for n in names)


def test_ward_of_finds_the_one_stop_desk_serving_a_point(client):
    from layers.models import Facility, FacilityCategory

    category = FacilityCategory.objects.create(
        code="mot-cua-thu", name_vi="Một cửa", name_en="One-stop desk", group="test"
    )
    current = AdministrativeArea.objects.filter(generation__valid_to__isnull=True, level="ward")
    ben_thanh = current.get(name="Phường Bến Thành")
    other = current.exclude(pk=ben_thanh.pk).order_by("code").first()
    for ward in (ben_thanh, other):
        Facility.objects.create(
            category=category, name=f"Một cửa {ward.name}", ward=ward, geom=ward.label_point
        )
    point = ben_thanh.label_point
    body = ok_body(
        client.get(
            "/api/v1/layers/facilities/features/",
            {"ward_of": f"{point.x},{point.y}", "category": "mot-cua-thu"},
        )
    )
    assert [f["properties"]["name"] for f in body["features"]] == ["Một cửa Phường Bến Thành"]
    assert body["features"][0]["properties"]["ward_code"] == ben_thanh.code
    error_body(client.get("/api/v1/layers/facilities/features/", {"ward_of": "108.5,9.5"}), 404)
    error_body(client.get("/api/v1/layers/facilities/features/", {"ward_of": "x"}), 400, "ward_of")
    error_body(
        client.get("/api/v1/layers/areas/features/", {"ward_of": "106.7,10.77"}), 400, "ward_of"
    )


def test_export_is_gzipped_on_the_fly_when_the_client_accepts_it(client, points_layer):
    import gzip

    zipped = client.get("/api/v1/layers/tram-sac/export/", headers={"accept-encoding": "gzip"})
    assert zipped["Content-Encoding"] == "gzip"
    body = json.loads(gzip.decompress(b"".join(zipped.streaming_content)))
    plain = ok_body(client.get("/api/v1/layers/tram-sac/export/"))
    assert body == plain and len(body["features"]) == 60


def test_a_comma_inside_a_filter_value_is_escaped_with_a_backslash(client):
    layer = Layer.objects.create(
        slug="dia-chi", title="Địa chỉ", attribute_schema=[{"name": "ten", "type": "string"}]
    )
    for name in ("Số 1, Lê Lợi", "Số 1", "Lê Lợi"):
        Feature.objects.create(
            layer=layer, geom=Point(*BEN_THANH, srid=4326), attributes={"ten": name}
        )
    url = "/api/v1/layers/dia-chi/features/"
    exact = ok_body(client.get(url, {"ten": "Số 1\\, Lê Lợi"}))
    assert [f["properties"]["ten"] for f in exact["features"]] == ["Số 1, Lê Lợi"]
    either = ok_body(client.get(url, {"ten": "Số 1, Lê Lợi", "ordering": "ten"}))
    assert [f["properties"]["ten"] for f in either["features"]] == ["Lê Lợi", "Số 1"]
