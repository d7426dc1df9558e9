"""The GeoJSON API over the layer registry (/api/v1/layers/…): the layers, who sees them,
the GeoJSON shape and the pages."""

import json

import pytest
from shapely.geometry import shape

from layers.models import AdministrativeArea, Layer
from tests.layers.features_api.support import (
    error_body,
    ok_body,
    user_with,
    walk_features,
)

pytestmark = pytest.mark.django_db


# --- layers ---------------------------------------------------------------------------


def test_layer_list_has_the_built_in_layers_and_public_imported_ones(client, points_layer):
    Layer.objects.create(slug="an-di", title="Hidden", is_hidden=True)
    slugs = [layer["slug"] for layer in ok_body(client.get("/api/v1/layers/"))]
    assert slugs[:2] == ["areas", "facilities"]
    assert "tram-sac" in slugs
    assert "an-di" not in slugs


def test_staff_only_layer_is_invisible_without_the_permission(client, staff_layer):
    assert "duong-ong-nuoc" not in [x["slug"] for x in ok_body(client.get("/api/v1/layers/"))]
    for url in (
        "/api/v1/layers/duong-ong-nuoc/",
        "/api/v1/layers/duong-ong-nuoc/features/",
        "/api/v1/layers/duong-ong-nuoc/export/",
        f"/api/v1/layers/duong-ong-nuoc/features/{staff_layer.features.get().pk}/",
    ):
        body = error_body(client.get(url), 404)
        assert body["detail"] == error_body(
            client.get(url.replace("duong-ong-nuoc", "khong-co")), 404
        )["detail"].replace("khong-co", "duong-ong-nuoc")


def test_staff_only_layer_is_served_to_a_user_with_the_permission(client, staff_layer):
    client.force_login(user_with("view_restricted_layer"))
    assert "duong-ong-nuoc" in [x["slug"] for x in ok_body(client.get("/api/v1/layers/"))]
    assert ok_body(client.get("/api/v1/layers/duong-ong-nuoc/features/"))["count"] == 1


def test_a_logged_in_user_without_the_permission_still_gets_404(client, staff_layer):
    client.force_login(user_with())
    error_body(client.get("/api/v1/layers/duong-ong-nuoc/features/"), 404)


def test_layer_detail_counts_and_bounds_its_features(client, points_layer):
    body = ok_body(client.get("/api/v1/layers/tram-sac/"))
    assert body["count"] == 60
    lons = [f.geom.x for f in points_layer.features.all()]
    lats = [f.geom.y for f in points_layer.features.all()]
    assert body["extent"] == pytest.approx([min(lons), min(lats), max(lons), max(lats)], abs=1e-7)
    assert {f["name"] for f in body["fields"]} == {
        "ten",
        "so_giuong",
        "cong_suat",
        "mo_cua",
        "it's 100% odd",
        "mo_tu",
    }
    assert body["has_time"] is True


def test_unknown_layer_is_404(client):
    assert "nope" in error_body(client.get("/api/v1/layers/nope/features/"), 404, "layer")["detail"]


# --- GeoJSON shape, pagination --------------------------------------------------------


def test_features_are_rfc7946_geojson_in_lon_lat_order(client):
    body = ok_body(client.get("/api/v1/layers/areas/features/", {"code": "26743"}))
    assert body["type"] == "FeatureCollection" and "crs" not in body
    (feature,) = body["features"]
    assert "crs" not in feature and feature["id"] == "26743"
    area = AdministrativeArea.objects.get(code="26743", generation__valid_to__isnull=True)
    assert feature["properties"]["name"] == area.name == "Phường Bến Thành"
    assert shape(feature["geometry"]).equals_exact(shape(json.loads(area.geom.geojson)), 1e-7)


def test_pages_walk_every_ward_exactly_once_with_a_total(client):
    wards = AdministrativeArea.objects.filter(generation__valid_to__isnull=True, level="ward")
    first = ok_body(
        client.get("/api/v1/layers/areas/features/", {"level": "ward", "page_size": 50})
    )
    assert first["count"] == wards.count() == 168
    assert first["previous"] is None and "page=2" in first["next"]
    ids = [
        f["id"]
        for f in walk_features(
            client, "/api/v1/layers/areas/features/", {"level": "ward", "page_size": 50}
        )
    ]
    assert sorted(ids) == sorted(wards.values_list("code", flat=True))


def test_page_past_the_end_and_bad_page_sizes_are_refused(client):
    error_body(client.get("/api/v1/layers/areas/features/", {"page": 99}), 404, "page")
    error_body(client.get("/api/v1/layers/areas/features/", {"page_size": 5000}), 400, "page_size")
    error_body(client.get("/api/v1/layers/areas/features/", {"page": "x"}), 400, "page")
