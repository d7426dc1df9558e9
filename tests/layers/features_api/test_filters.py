"""The GeoJSON API over the layer registry (/api/v1/layers/…): bbox, property filters,
search, datetime, ordering and fields."""

import json

import pytest
from django.contrib.gis.geos import Point
from shapely.geometry import box, shape

from layers.models import AdministrativeArea
from tests.layers.features_api.support import (
    BEN_THANH,
    error_body,
    ok_body,
    user_with,
    walk_features,
)

pytestmark = pytest.mark.django_db


# --- filters --------------------------------------------------------------------------


def test_bbox_returns_exactly_the_wards_that_touch_it(client):
    bbox = (106.69, 10.77, 106.71, 10.79)
    got = {
        f["id"]
        for f in walk_features(
            client,
            "/api/v1/layers/areas/features/",
            {"level": "ward", "bbox": ",".join(map(str, bbox))},
        )
    }
    expected = {
        a.code
        for a in AdministrativeArea.objects.filter(generation__valid_to__isnull=True, level="ward")
        if shape(json.loads(a.geom.geojson)).intersects(box(*bbox))
    }
    assert got == expected and len(expected) > 1


@pytest.mark.parametrize(
    ("bbox", "fragment"),
    [("1,2,3", "4"), ("a,b,c,d", "not a number"), ("106.8,10.7,106.6,10.8", "greater")],
)
def test_malformed_bbox_is_refused(client, bbox, fragment):
    body = error_body(client.get("/api/v1/layers/areas/features/", {"bbox": bbox}), 400, "bbox")
    assert fragment in body["detail"]


def test_property_filters_take_one_or_several_values(client):
    one = ok_body(client.get("/api/v1/layers/areas/features/", {"type": "xa", "page_size": 1}))
    assert (
        one["count"]
        == AdministrativeArea.objects.filter(
            generation__valid_to__isnull=True, area_type="xa"
        ).count()
    )
    both = ok_body(
        client.get("/api/v1/layers/areas/features/", {"type": "xa,dac_khu", "page_size": 1})
    )
    assert both["count"] == one["count"] + 1


def test_typed_attribute_filters_on_an_imported_layer(client, points_layer):
    url = "/api/v1/layers/tram-sac/features/"
    assert (
        ok_body(client.get(url, {"so_giuong": "7"}))["features"][0]["properties"]["so_giuong"] == 7
    )
    assert ok_body(client.get(url, {"so_giuong": "1,2,3"}))["count"] == 3
    assert ok_body(client.get(url, {"mo_cua": "true"}))["count"] == 30
    assert ok_body(client.get(url, {"cong_suat": "4.5"}))["count"] == 1
    assert ok_body(client.get(url, {"it's 100% odd": "yes"}))["count"] == 3
    body = error_body(client.get(url, {"so_giuong": "bảy"}), 400, "so_giuong")
    assert "integer" in body["detail"]


def test_a_misspelt_filter_is_an_error_not_the_whole_layer(client):
    body = error_body(client.get("/api/v1/layers/areas/features/", {"levl": "ward"}), 400, "levl")
    assert "level" in body["detail"]


def test_name_search_with_and_without_diacritics(client):
    for q in ("Bến Thành", "ben thanh", "BEN THANH"):
        body = ok_body(client.get("/api/v1/layers/areas/features/", {"q": q}))
        assert [f["properties"]["name"] for f in body["features"]] == ["Phường Bến Thành"]


def test_search_terms_are_data_not_patterns(client, points_layer):
    assert ok_body(client.get("/api/v1/layers/tram-sac/features/", {"q": "%"}))["count"] == 0
    assert ok_body(client.get("/api/v1/layers/tram-sac/features/", {"q": "_"}))["count"] == 0


def test_datetime_filter_on_a_layer_with_time(client, points_layer):
    url = "/api/v1/layers/tram-sac/features/"
    march = ok_body(client.get(url, {"datetime": "2025-03-01"}))
    assert march["count"] == 5  # i = 2, 14, 26, 38, 50
    assert ok_body(client.get(url, {"datetime": "2025-11-01T00:00:00Z/.."}))["count"] == 10
    error_body(client.get(url, {"datetime": "tomorrow"}), 400, "datetime")
    error_body(
        client.get("/api/v1/layers/areas/features/", {"datetime": "2025-03-01"}), 400, "datetime"
    )


def test_ordering_both_ways_and_by_unknown_property(client, points_layer):
    url = "/api/v1/layers/tram-sac/features/"
    up = [
        f["properties"]["so_giuong"]
        for f in ok_body(client.get(url, {"ordering": "cong_suat"}))["features"]
    ]
    down = [
        f["properties"]["so_giuong"]
        for f in ok_body(client.get(url, {"ordering": "-cong_suat"}))["features"]
    ]
    assert up == sorted(up) and down == sorted(down, reverse=True) and up == down[::-1]
    error_body(client.get(url, {"ordering": "ghi_chu_noi_bo"}), 400, "ordering")


def test_fields_choose_the_properties(client, points_layer):
    body = ok_body(client.get("/api/v1/layers/tram-sac/features/", {"fields": "ten,so_giuong"}))
    assert set(body["features"][0]["properties"]) == {"ten", "so_giuong"}
    error_body(
        client.get("/api/v1/layers/tram-sac/features/", {"fields": "ten,sai"}), 400, "fields"
    )


def test_staff_only_fields_need_the_permission(client, points_layer):
    url = "/api/v1/layers/tram-sac/features/"
    public = ok_body(client.get(url, {"page_size": 1}))["features"][0]["properties"]
    assert "ghi_chu_noi_bo" not in public
    error_body(client.get(url, {"fields": "ghi_chu_noi_bo"}), 400, "fields")
    error_body(client.get(url, {"ghi_chu_noi_bo": "x"}), 400, "ghi_chu_noi_bo")
    exported = ok_body(client.get("/api/v1/layers/tram-sac/export/"))
    assert "khoá tủ" not in json.dumps(exported, ensure_ascii=False)

    client.force_login(user_with("view_restricted_field"))
    staff = ok_body(client.get(url, {"page_size": 1, "ordering": "so_giuong"}))
    assert staff["features"][0]["properties"]["ghi_chu_noi_bo"] == "khoá tủ 0"


def test_facilities_never_show_staff_notes_to_the_public(client):
    from layers.models import Facility, FacilityCategory

    category = FacilityCategory.objects.create(
        code="thu-nghiem", name_vi="Thử nghiệm", name_en="Test", group="test"
    )
    Facility.objects.create(
        category=category,
        name="Nhà văn hoá",
        staff_notes="mật khẩu cổng 1234",
        geom=Point(*BEN_THANH, srid=4326),
    )
    exported = ok_body(client.get("/api/v1/layers/facilities/export/", {"category": "thu-nghiem"}))
    (feature,) = exported["features"]
    assert feature["properties"]["category_name_en"] == "Test"
    assert "staff_notes" not in feature["properties"]
    # The whole note, not its digits: a timestamp's microseconds may hold "1234".
    assert "mật khẩu cổng" not in json.dumps(exported, ensure_ascii=False)
