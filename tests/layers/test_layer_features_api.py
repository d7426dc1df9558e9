"""The GeoJSON API over the layer registry: /api/v1/layers/… for built-in and imported layers.

Expected answers are computed independently of the API's SQL: with the ORM, shapely and
pyproj's geodesic on the WGS 84 ellipsoid.
"""

import json
import unicodedata
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.gis.geos import Point
from pyproj import Geod
from shapely.geometry import box, shape

from layers.models import AdministrativeArea, Feature, Layer

pytestmark = pytest.mark.django_db

GEOD = Geod(ellps="WGS84")
BEN_THANH = (106.7009, 10.7769)  # lon, lat near Bến Thành market


def _error(response, status: int, parameter: str | None = None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["detail"]
    if parameter is not None:
        assert body["parameter"] == parameter
    return body


def _body(response) -> dict:
    assert response.status_code == 200, response.content
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return json.loads(content)


def _walk(client, url: str, params: dict) -> list[dict]:
    body = _body(client.get(url, params))
    features = list(body["features"])
    while body["next"]:
        body = _body(client.get(body["next"]))
        features += body["features"]
    return features


def _schema(*extra: dict) -> list[dict]:
    return [
        {"name": "ten", "type": "string", "title": "Tên"},
        {"name": "so_giuong", "type": "integer", "title": "Số giường"},
        {"name": "cong_suat", "type": "number"},
        {"name": "mo_cua", "type": "boolean"},
        {"name": "ghi_chu_noi_bo", "type": "string", "public": False},
        *extra,
    ]


@pytest.fixture
def points_layer() -> Layer:
    """A public imported layer of 60 points on a line east of Bến Thành, 100 m apart."""
    layer = Layer.objects.create(
        slug="tram-sac",
        title="Trạm sạc xe điện",
        geometry_type="Point",
        attribute_schema=_schema(
            {"name": "it's 100% odd", "type": "string"}, {"name": "mo_tu", "type": "datetime"}
        ),
        name_attribute="ten",
        time_attribute="mo_tu",
    )
    for i in range(60):
        lon, lat, _back = GEOD.fwd(*BEN_THANH, 90, 100.0 * i)
        opened = datetime(2025, 1 + i % 12, 1, tzinfo=UTC)
        Feature.objects.create(
            layer=layer,
            geom=Point(lon, lat, srid=4326),
            name=f"Trạm sạc Bến Thành {i}",
            time=opened,
            attributes={
                "ten": f"Trạm sạc Bến Thành {i}",
                "so_giuong": i,
                "cong_suat": i * 1.5,
                "mo_cua": i % 2 == 0,
                "ghi_chu_noi_bo": f"khoá tủ {i}",
                "it's 100% odd": "yes" if i < 3 else "no",
                "mo_tu": opened.isoformat(),
            },
        )
    return layer


@pytest.fixture
def staff_layer() -> Layer:
    """A staff-only layer with one feature."""
    layer = Layer.objects.create(
        slug="duong-ong-nuoc", title="Đường ống nước", is_public=False, geometry_type="Point"
    )
    Feature.objects.create(layer=layer, geom=Point(*BEN_THANH, srid=4326), attributes={})
    return layer


def _user_with(*codenames: str) -> User:
    user = User.objects.create_user("can-bo", password="x")
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return User.objects.get(pk=user.pk)  # fresh permission cache


# --- layers ---------------------------------------------------------------------------


def test_layer_list_has_the_built_in_layers_and_public_imported_ones(client, points_layer):
    Layer.objects.create(slug="an-di", title="Hidden", is_hidden=True)
    slugs = [layer["slug"] for layer in _body(client.get("/api/v1/layers/"))]
    assert slugs[:2] == ["areas", "facilities"]
    assert "tram-sac" in slugs
    assert "an-di" not in slugs


def test_staff_only_layer_is_invisible_without_the_permission(client, staff_layer):
    assert "duong-ong-nuoc" not in [x["slug"] for x in _body(client.get("/api/v1/layers/"))]
    for url in (
        "/api/v1/layers/duong-ong-nuoc/",
        "/api/v1/layers/duong-ong-nuoc/features/",
        "/api/v1/layers/duong-ong-nuoc/export/",
        f"/api/v1/layers/duong-ong-nuoc/features/{staff_layer.features.get().pk}/",
    ):
        body = _error(client.get(url), 404)
        assert body["detail"] == _error(client.get(url.replace("duong-ong-nuoc", "khong-co")), 404)[
            "detail"
        ].replace("khong-co", "duong-ong-nuoc")


def test_staff_only_layer_is_served_to_a_user_with_the_permission(client, staff_layer):
    client.force_login(_user_with("view_restricted_layer"))
    assert "duong-ong-nuoc" in [x["slug"] for x in _body(client.get("/api/v1/layers/"))]
    assert _body(client.get("/api/v1/layers/duong-ong-nuoc/features/"))["count"] == 1


def test_a_logged_in_user_without_the_permission_still_gets_404(client, staff_layer):
    client.force_login(_user_with())
    _error(client.get("/api/v1/layers/duong-ong-nuoc/features/"), 404)


def test_layer_detail_counts_and_bounds_its_features(client, points_layer):
    body = _body(client.get("/api/v1/layers/tram-sac/"))
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
    assert "nope" in _error(client.get("/api/v1/layers/nope/features/"), 404, "layer")["detail"]


# --- GeoJSON shape, pagination --------------------------------------------------------


def test_features_are_rfc7946_geojson_in_lon_lat_order(client):
    body = _body(client.get("/api/v1/layers/areas/features/", {"code": "26743"}))
    assert body["type"] == "FeatureCollection" and "crs" not in body
    (feature,) = body["features"]
    assert "crs" not in feature and feature["id"] == "26743"
    area = AdministrativeArea.objects.get(code="26743", generation__valid_to__isnull=True)
    assert feature["properties"]["name"] == area.name == "Phường Bến Thành"
    assert shape(feature["geometry"]).equals_exact(shape(json.loads(area.geom.geojson)), 1e-7)


def test_pages_walk_every_ward_exactly_once_with_a_total(client):
    wards = AdministrativeArea.objects.filter(generation__valid_to__isnull=True, level="ward")
    first = _body(client.get("/api/v1/layers/areas/features/", {"level": "ward", "page_size": 50}))
    assert first["count"] == wards.count() == 168
    assert first["previous"] is None and "page=2" in first["next"]
    ids = [
        f["id"]
        for f in _walk(client, "/api/v1/layers/areas/features/", {"level": "ward", "page_size": 50})
    ]
    assert sorted(ids) == sorted(wards.values_list("code", flat=True))


def test_page_past_the_end_and_bad_page_sizes_are_refused(client):
    _error(client.get("/api/v1/layers/areas/features/", {"page": 99}), 404, "page")
    _error(client.get("/api/v1/layers/areas/features/", {"page_size": 5000}), 400, "page_size")
    _error(client.get("/api/v1/layers/areas/features/", {"page": "x"}), 400, "page")


# --- filters --------------------------------------------------------------------------


def test_bbox_returns_exactly_the_wards_that_touch_it(client):
    bbox = (106.69, 10.77, 106.71, 10.79)
    got = {
        f["id"]
        for f in _walk(
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
    body = _error(client.get("/api/v1/layers/areas/features/", {"bbox": bbox}), 400, "bbox")
    assert fragment in body["detail"]


def test_property_filters_take_one_or_several_values(client):
    one = _body(client.get("/api/v1/layers/areas/features/", {"type": "xa", "page_size": 1}))
    assert (
        one["count"]
        == AdministrativeArea.objects.filter(
            generation__valid_to__isnull=True, area_type="xa"
        ).count()
    )
    both = _body(
        client.get("/api/v1/layers/areas/features/", {"type": "xa,dac_khu", "page_size": 1})
    )
    assert both["count"] == one["count"] + 1


def test_typed_attribute_filters_on_an_imported_layer(client, points_layer):
    url = "/api/v1/layers/tram-sac/features/"
    assert _body(client.get(url, {"so_giuong": "7"}))["features"][0]["properties"]["so_giuong"] == 7
    assert _body(client.get(url, {"so_giuong": "1,2,3"}))["count"] == 3
    assert _body(client.get(url, {"mo_cua": "true"}))["count"] == 30
    assert _body(client.get(url, {"cong_suat": "4.5"}))["count"] == 1
    assert _body(client.get(url, {"it's 100% odd": "yes"}))["count"] == 3
    body = _error(client.get(url, {"so_giuong": "bảy"}), 400, "so_giuong")
    assert "integer" in body["detail"]


def test_a_misspelt_filter_is_an_error_not_the_whole_layer(client):
    body = _error(client.get("/api/v1/layers/areas/features/", {"levl": "ward"}), 400, "levl")
    assert "level" in body["detail"]


def test_name_search_with_and_without_diacritics(client):
    for q in ("Bến Thành", "ben thanh", "BEN THANH"):
        body = _body(client.get("/api/v1/layers/areas/features/", {"q": q}))
        assert [f["properties"]["name"] for f in body["features"]] == ["Phường Bến Thành"]


def test_search_terms_are_data_not_patterns(client, points_layer):
    assert _body(client.get("/api/v1/layers/tram-sac/features/", {"q": "%"}))["count"] == 0
    assert _body(client.get("/api/v1/layers/tram-sac/features/", {"q": "_"}))["count"] == 0


def test_datetime_filter_on_a_layer_with_time(client, points_layer):
    url = "/api/v1/layers/tram-sac/features/"
    march = _body(client.get(url, {"datetime": "2025-03-01"}))
    assert march["count"] == 5  # i = 2, 14, 26, 38, 50
    assert _body(client.get(url, {"datetime": "2025-11-01T00:00:00Z/.."}))["count"] == 10
    _error(client.get(url, {"datetime": "tomorrow"}), 400, "datetime")
    _error(
        client.get("/api/v1/layers/areas/features/", {"datetime": "2025-03-01"}), 400, "datetime"
    )


def test_ordering_both_ways_and_by_unknown_property(client, points_layer):
    url = "/api/v1/layers/tram-sac/features/"
    up = [
        f["properties"]["so_giuong"]
        for f in _body(client.get(url, {"ordering": "cong_suat"}))["features"]
    ]
    down = [
        f["properties"]["so_giuong"]
        for f in _body(client.get(url, {"ordering": "-cong_suat"}))["features"]
    ]
    assert up == sorted(up) and down == sorted(down, reverse=True) and up == down[::-1]
    _error(client.get(url, {"ordering": "ghi_chu_noi_bo"}), 400, "ordering")


def test_fields_choose_the_properties(client, points_layer):
    body = _body(client.get("/api/v1/layers/tram-sac/features/", {"fields": "ten,so_giuong"}))
    assert set(body["features"][0]["properties"]) == {"ten", "so_giuong"}
    _error(client.get("/api/v1/layers/tram-sac/features/", {"fields": "ten,sai"}), 400, "fields")


def test_staff_only_fields_need_the_permission(client, points_layer):
    url = "/api/v1/layers/tram-sac/features/"
    public = _body(client.get(url, {"page_size": 1}))["features"][0]["properties"]
    assert "ghi_chu_noi_bo" not in public
    _error(client.get(url, {"fields": "ghi_chu_noi_bo"}), 400, "fields")
    _error(client.get(url, {"ghi_chu_noi_bo": "x"}), 400, "ghi_chu_noi_bo")
    exported = _body(client.get("/api/v1/layers/tram-sac/export/"))
    assert "khoá tủ" not in json.dumps(exported, ensure_ascii=False)

    client.force_login(_user_with("view_restricted_field"))
    staff = _body(client.get(url, {"page_size": 1, "ordering": "so_giuong"}))
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
    exported = _body(client.get("/api/v1/layers/facilities/export/", {"category": "thu-nghiem"}))
    (feature,) = exported["features"]
    assert feature["properties"]["category_name_en"] == "Test"
    assert "staff_notes" not in feature["properties"]
    assert "1234" not in json.dumps(exported)


# --- proximity ------------------------------------------------------------------------


def test_near_returns_features_within_true_metres_with_their_distance(client, points_layer):
    body = _body(
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
    body = _body(
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
    body = _body(
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
    _error(client.get("/api/v1/layers/areas/features/", params), 400, parameter)


# --- one feature, export ----------------------------------------------------------------


def test_feature_detail_and_its_404s(client, points_layer):
    feature = points_layer.features.get(attributes__so_giuong=5)
    body = _body(client.get(f"/api/v1/layers/tram-sac/features/{feature.pk}/"))
    assert body["id"] == feature.pk and body["properties"]["ten"] == "Trạm sạc Bến Thành 5"
    assert body["geometry"]["coordinates"] == pytest.approx(
        [feature.geom.x, feature.geom.y], abs=1e-7
    )
    _error(client.get("/api/v1/layers/tram-sac/features/999999999/"), 404)
    _error(client.get("/api/v1/layers/tram-sac/features/abc/"), 404)
    _error(client.get("/api/v1/layers/tram-sac/features/99999999999999999999999/"), 404)
    other = Feature.objects.create(
        layer=Layer.objects.create(slug="khac", title="Khác"), geom=Point(1, 1, srid=4326)
    )
    _error(client.get(f"/api/v1/layers/tram-sac/features/{other.pk}/"), 404)


def test_export_streams_the_whole_filtered_layer(client, points_layer):
    response = client.get("/api/v1/layers/tram-sac/export/", {"mo_cua": "true"})
    assert response.streaming
    assert response["Content-Type"] == "application/geo+json"
    assert 'filename="tram-sac.geojson"' in response["Content-Disposition"]
    body = _body(response)
    assert len(body["features"]) == 30
    assert {f["id"] for f in body["features"]} == set(
        points_layer.features.filter(attributes__mo_cua=True).values_list("pk", flat=True)
    )


def test_export_of_an_empty_selection_is_valid_geojson(client):
    body = _body(client.get("/api/v1/layers/areas/export/", {"code": "00000"}))
    assert body == {"type": "FeatureCollection", "layer": "areas", "features": []}


def test_names_keep_their_diacritics_in_nfc(client):
    body = _body(client.get("/api/v1/layers/areas/features/", {"q": "thu duc"}))
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
    body = _body(
        client.get(
            "/api/v1/layers/facilities/features/",
            {"ward_of": f"{point.x},{point.y}", "category": "mot-cua-thu"},
        )
    )
    assert [f["properties"]["name"] for f in body["features"]] == ["Một cửa Phường Bến Thành"]
    assert body["features"][0]["properties"]["ward_code"] == ben_thanh.code
    _error(client.get("/api/v1/layers/facilities/features/", {"ward_of": "108.5,9.5"}), 404)
    _error(client.get("/api/v1/layers/facilities/features/", {"ward_of": "x"}), 400, "ward_of")
    _error(client.get("/api/v1/layers/areas/features/", {"ward_of": "106.7,10.77"}), 400, "ward_of")


def test_export_is_gzipped_on_the_fly_when_the_client_accepts_it(client, points_layer):
    import gzip

    zipped = client.get("/api/v1/layers/tram-sac/export/", headers={"accept-encoding": "gzip"})
    assert zipped["Content-Encoding"] == "gzip"
    body = json.loads(gzip.decompress(b"".join(zipped.streaming_content)))
    plain = _body(client.get("/api/v1/layers/tram-sac/export/"))
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
    exact = _body(client.get(url, {"ten": "Số 1\\, Lê Lợi"}))
    assert [f["properties"]["ten"] for f in exact["features"]] == ["Số 1, Lê Lợi"]
    either = _body(client.get(url, {"ten": "Số 1, Lê Lợi", "ordering": "ten"}))
    assert [f["properties"]["ten"] for f in either["features"]] == ["Lê Lợi", "Số 1"]
