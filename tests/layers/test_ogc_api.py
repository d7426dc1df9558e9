"""OGC API - Features at /ogc/: Part 1 (core, GeoJSON, HTML, OpenAPI 3.0) and Part 2 (CRS).

Expected answers come from elsewhere than the API's SQL: counts and extents from the ORM,
coordinates from pyproj, the OpenAPI document from the OpenAPI 3.0 JSON Schema.
"""

import json
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.gis.db.models import Extent
from django.contrib.gis.geos import Point, Polygon
from django.db.models import Q
from django.test import Client
from django.utils import timezone
from drf_spectacular.validation import validate_schema
from pyproj import Geod, Transformer

from layers.crs import CRS84, vn2000_transformer
from layers.models import AdministrativeArea, Facility, FacilityCategory, Feature, Layer

pytestmark = pytest.mark.django_db

GEOD = Geod(ellps="WGS84")
BEN_THANH = (106.7009, 10.7769)  # lon, lat near Bến Thành market
EPSG_4326 = "http://www.opengis.net/def/crs/EPSG/0/4326"
EPSG_3857 = "http://www.opengis.net/def/crs/EPSG/0/3857"
EPSG_9210 = "http://www.opengis.net/def/crs/EPSG/0/9210"
CONFORMANCE = {
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
}
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
POINTS = 25


# --- helpers -------------------------------------------------------------------------------


def _body(response) -> dict:
    assert response.status_code == 200, response.content
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return json.loads(content)


def _error(response, status: int, parameter: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["detail"]
    if parameter is not None:
        assert body["parameter"] == parameter
    return body


def _links(body: dict) -> dict[tuple[str, str], str]:
    return {(link["rel"], link["type"]): link["href"] for link in body["links"]}


def _rels(body: dict, rel: str) -> list[dict]:
    return [link for link in body["links"] if link["rel"] == rel]


def _walk(client, url: str) -> tuple[list[dict], list[dict]]:
    """Every feature reached by following next links, and every page."""
    pages = [_body(client.get(url))]
    while next_links := _rels(pages[-1], "next"):
        assert len(next_links) == 1
        pages.append(_body(client.get(next_links[0]["href"])))
    return [f for page in pages for f in page["features"]], pages


def _current_areas():
    today = timezone.localdate()
    return AdministrativeArea.objects.filter(
        Q(generation__valid_to__isnull=True) | Q(generation__valid_to__gte=today),
        generation__valid_from__lte=today,
    )


def _ids(body: dict) -> set:
    return {f["id"] for f in body["features"]}


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture
def points_layer() -> Layer:
    """A public imported layer: 25 points due east of Bến Thành, 100 m apart, the first one
    exactly on it; one a month from January 2025; a staff-only attribute."""
    layer = Layer.objects.create(
        slug="tram-sac",
        title="Trạm sạc xe điện",
        description="Trạm sạc thử nghiệm",
        geometry_type="Point",
        attribute_schema=[
            {"name": "ten", "type": "string", "title": "Tên"},
            {"name": "so_cong", "type": "integer", "title": "Số cổng sạc"},
            {"name": "ghi_chu_noi_bo", "type": "string", "public": False},
        ],
        name_attribute="ten",
        time_attribute="mo_tu",
    )
    for i in range(POINTS):
        lon, lat, _back = GEOD.fwd(*BEN_THANH, 90, 100.0 * i)
        Feature.objects.create(
            layer=layer,
            geom=Point(lon, lat, srid=4326),
            name=f"Trạm sạc {i}",
            time=datetime(2025 + i // 12, 1 + i % 12, 1, tzinfo=UTC),
            attributes={"ten": f"Trạm sạc {i}", "so_cong": i % 4, "ghi_chu_noi_bo": f"khóa {i}"},
        )
    return layer


@pytest.fixture
def first_point(points_layer) -> Feature:
    """The feature exactly at lon 106.7009, lat 10.7769."""
    return points_layer.features.order_by("id").first()


@pytest.fixture
def staff_layer() -> Layer:
    """A staff-only imported layer with one feature."""
    layer = Layer.objects.create(
        slug="camera-noi-bo", title="Camera nội bộ", geometry_type="Point", is_public=False
    )
    Feature.objects.create(layer=layer, geom=Point(*BEN_THANH, srid=4326))
    return layer


@pytest.fixture
def ward() -> AdministrativeArea:
    """A ward of the current generation (the one with the lowest code)."""
    return _current_areas().filter(level="ward").order_by("code").first()


@pytest.fixture
def facility() -> Facility:
    """A facility of a category of its own, with staff notes."""
    category = FacilityCategory.objects.create(
        code="thu-nghiem-ogc", name_vi="Thử nghiệm", name_en="Test", group="test"
    )
    return Facility.objects.create(
        category=category,
        name="Điểm thử nghiệm OGC",
        geom=Point(*BEN_THANH, srid=4326),
        staff_notes="Chìa khóa ở phòng bảo vệ",
    )


@pytest.fixture
def staff_client():
    """A client logged in as a user who may see staff-only layers and properties."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    user = User.objects.create_user("gis-staff", password="not-used-here")
    user.user_permissions.add(
        Permission.objects.get(codename="view_restricted_layer"),
        Permission.objects.get(codename="view_restricted_field"),
    )
    client.force_login(user)
    return client


# --- landing page, conformance, API definition ---------------------------------------------


def test_landing_page_links_to_the_api_definition_docs_conformance_and_data(client):
    body = _body(client.get("/ogc/"))
    assert body["title"] and body["description"]
    links = _links(body)
    assert links[("self", "application/json")] == "http://testserver/ogc/?f=json"
    assert links[("alternate", "text/html")] == "http://testserver/ogc/?f=html"
    assert (
        links[("service-desc", "application/vnd.oai.openapi+json;version=3.0")]
        == "http://testserver/ogc/api?f=json"
    )
    assert links[("service-doc", "text/html")] == "http://testserver/ogc/api?f=html"
    assert links[("conformance", "application/json")] == "http://testserver/ogc/conformance?f=json"
    assert links[("data", "application/json")] == "http://testserver/ogc/collections?f=json"
    for href in links.values():
        assert client.get(href).status_code == 200, href


def test_conformance_declares_exactly_the_classes_implemented(client):
    body = _body(client.get("/ogc/conformance"))
    assert set(body["conformsTo"]) == CONFORMANCE
    assert len(body["conformsTo"]) == len(CONFORMANCE)


def test_api_definition_is_valid_openapi_3_0_with_the_ogc_paths(client, points_layer):
    response = client.get("/ogc/api")
    assert response["Content-Type"] == "application/vnd.oai.openapi+json;version=3.0"
    document = _body(response)
    validate_schema(document)  # raises on anything the OpenAPI 3.0 JSON Schema rejects
    assert document["openapi"].startswith("3.0")
    assert document["servers"] == [{"url": "http://testserver/ogc"}]
    assert {
        "/",
        "/conformance",
        "/api",
        "/collections",
        "/collections/{collectionId}",
        "/collections/{collectionId}/items",
        "/collections/{collectionId}/items/{featureId}",
        "/collections/tram-sac/items",
    } <= set(document["paths"])
    generic = document["paths"]["/collections/{collectionId}/items"]["get"]["parameters"]
    names = {p["$ref"].rsplit("/", 1)[1] for p in generic if "$ref" in p}
    assert {"limit", "offset", "bbox", "bbox-crs", "crs", "datetime", "f"} <= names
    limit = document["components"]["parameters"]["limit"]["schema"]
    assert (limit["minimum"], limit["maximum"], limit["default"]) == (1, 10_000, 100)


def test_api_definition_lists_each_collections_filterable_properties(client, points_layer):
    document = _body(client.get("/ogc/api"))
    parameters = document["paths"]["/collections/tram-sac/items"]["get"]["parameters"]
    properties = {p["name"]: p for p in parameters if "name" in p}
    assert set(properties) == {"ten", "so_cong"}  # not the staff-only ghi_chu_noi_bo
    assert properties["so_cong"]["schema"]["items"]["type"] == "integer"


def test_api_definition_as_html_is_swagger_ui_over_the_json(client):
    response = client.get("/ogc/api", {"f": "html"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui-bundle.js" in html
    assert 'data-url="http://testserver/ogc/api?f=json"' in html


# --- collections ---------------------------------------------------------------------------


def test_collections_list_built_in_then_public_imported_layers(client, points_layer, staff_layer):
    body = _body(client.get("/ogc/collections"))
    public_imported = sorted(
        Layer.objects.filter(is_public=True, is_hidden=False).values_list("slug", flat=True)
    )
    assert [c["id"] for c in body["collections"]] == [
        "areas",
        "facilities",
        "feedback",
        *public_imported,
    ]
    assert "tram-sac" in public_imported
    assert _links(body)[("self", "application/json")] == "http://testserver/ogc/collections?f=json"


def test_collection_describes_items_crs_and_storage_crs(client):
    body = _body(client.get("/ogc/collections/facilities"))
    assert body["id"] == "facilities"
    assert body["itemType"] == "feature"
    assert body["crs"] == [CRS84, EPSG_4326, EPSG_3857, EPSG_9210]
    assert body["storageCrs"] == CRS84
    links = _links(body)
    assert links[("self", "application/json")].endswith("/ogc/collections/facilities?f=json")
    assert links[("alternate", "text/html")].endswith("/ogc/collections/facilities?f=html")
    assert links[("items", "application/geo+json")] == (
        "http://testserver/ogc/collections/facilities/items?f=json"
    )
    assert links[("items", "text/html")].endswith("/collections/facilities/items?f=html")


def test_collection_spatial_extent_is_the_orm_extent_in_crs84(client):
    body = _body(client.get("/ogc/collections/areas"))
    expected = _current_areas().aggregate(e=Extent("geom"))["e"]
    assert body["extent"]["spatial"]["crs"] == CRS84
    (bbox,) = body["extent"]["spatial"]["bbox"]
    assert bbox == pytest.approx(list(expected), abs=1e-6)
    assert "temporal" not in body["extent"]  # areas have no time


def test_collection_with_time_has_its_temporal_extent(client, points_layer):
    body = _body(client.get("/ogc/collections/tram-sac"))
    assert body["extent"]["temporal"] == {
        "interval": [["2025-01-01T00:00:00Z", "2027-01-01T00:00:00Z"]],
        "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian",
    }


def test_unknown_collection_is_404(client):
    for url in ("/ogc/collections/khong-co", "/ogc/collections/khong-co/items"):
        _error(client.get(url), 404)


# --- items ---------------------------------------------------------------------------------


def test_items_are_geojson_with_counts_time_stamp_and_content_crs(client):
    response = client.get("/ogc/collections/areas/items", {"limit": "7"})
    assert response["Content-Type"] == "application/geo+json"
    assert response["Content-Crs"] == f"<{CRS84}>"
    body = _body(response)
    assert body["type"] == "FeatureCollection"
    assert body["numberMatched"] == _current_areas().count() == 169
    assert body["numberReturned"] == len(body["features"]) == 7
    stamp = datetime.fromisoformat(body["timeStamp"].replace("Z", "+00:00"))
    assert abs((datetime.now(UTC) - stamp).total_seconds()) < 60
    feature = body["features"][0]
    assert feature["type"] == "Feature"
    assert feature["geometry"]["type"] == "MultiPolygon"
    assert {"code", "name", "level"} <= set(feature["properties"])


def test_items_link_to_themselves_as_html_and_to_their_collection(client):
    body = _body(client.get("/ogc/collections/areas/items", {"limit": "5", "level": "ward"}))
    links = _links(body)
    self_url = urlsplit(links[("self", "application/geo+json")])
    assert self_url.path == "/ogc/collections/areas/items"
    assert parse_qs(self_url.query) == {"limit": ["5"], "level": ["ward"], "f": ["json"]}
    assert parse_qs(urlsplit(links[("alternate", "text/html")]).query)["f"] == ["html"]
    assert links[("collection", "application/json")].endswith("/ogc/collections/areas?f=json")
    assert _rels(body, "prev") == []


def test_default_page_is_the_configured_default_limit(client):
    body = _body(client.get("/ogc/collections/areas/items"))
    assert body["numberReturned"] == len(body["features"]) == 100


def test_number_matched_of_facilities_is_the_orm_count(client, facility):
    body = _body(client.get("/ogc/collections/facilities/items", {"limit": "1"}))
    assert body["numberMatched"] == Facility.objects.count()


def test_next_links_walk_every_feature_exactly_once(client):
    features, pages = _walk(client, "/ogc/collections/areas/items?limit=40")
    codes = [f["id"] for f in features]
    assert len(codes) == len(set(codes)) == 169
    assert set(codes) == set(_current_areas().values_list("code", flat=True))
    assert [p["numberReturned"] for p in pages] == [40, 40, 40, 40, 9]
    assert _rels(pages[-1], "next") == []
    assert all(_rels(page, "prev") for page in pages[1:])


def test_prev_link_goes_back_one_page(client):
    second = _body(client.get("/ogc/collections/areas/items", {"limit": "40", "offset": "40"}))
    (prev,) = _rels(second, "prev")
    first = _body(client.get(prev["href"]))
    assert parse_qs(urlsplit(prev["href"]).query)["offset"] == ["0"]
    assert (
        first["features"] == _body(client.get("/ogc/collections/areas/items?limit=40"))["features"]
    )


def test_next_link_keeps_every_other_parameter(client, points_layer):
    params = {
        "limit": "3",
        "bbox": "106.6,10.7,106.8,10.8",
        "sortby": "-so_cong",
        "properties": "ten,so_cong",
        "datetime": "2025-01-01/2026-12-31",
        "crs": EPSG_3857,
    }
    body = _body(client.get("/ogc/collections/tram-sac/items", params))
    (next_link,) = _rels(body, "next")
    assert next_link["type"] == "application/geo+json"
    query = parse_qs(urlsplit(next_link["href"]).query)
    assert query == {
        **{k: [v] for k, v in params.items()},
        "limit": ["3"],
        "offset": ["3"],
        "f": ["json"],
    }


def test_walking_a_filtered_sorted_layer_returns_every_match_once(client, points_layer):
    url = "/ogc/collections/tram-sac/items?limit=4&sortby=-so_cong&so_cong=1,2,3"
    features, _pages = _walk(client, url)
    expected = points_layer.features.exclude(attributes__so_cong=0)
    assert sorted(f["id"] for f in features) == sorted(expected.values_list("id", flat=True))
    assert [f["properties"]["so_cong"] for f in features] == sorted(
        (f["properties"]["so_cong"] for f in features), reverse=True
    )


def test_offset_past_the_end_is_an_empty_page_with_a_prev_link(client, points_layer):
    body = _body(client.get("/ogc/collections/tram-sac/items", {"offset": "100"}))
    assert body["numberMatched"] == POINTS
    assert body["numberReturned"] == 0
    assert body["features"] == []
    assert _rels(body, "next") == []
    assert _rels(body, "prev")


def test_limit_above_the_maximum_is_capped_and_the_answer_says_so(client):
    response = client.get("/ogc/collections/areas/items", {"limit": "50000"})
    assert response["Limit-Capped"] == "requested=50000, applied=10000"
    body = _body(response)
    assert body["limitCapped"]["requested"] == 50000
    assert body["limitCapped"]["applied"] == 10000
    assert "10000" in body["limitCapped"]["detail"]
    assert body["numberReturned"] == 169


def test_capped_limit_is_the_page_size_of_the_next_links(client, points_layer, settings):
    settings.COMMONMAP = {**settings.COMMONMAP, "OGC_LIMIT_MAX": 10}
    response = client.get("/ogc/collections/tram-sac/items", {"limit": "50000"})
    assert response["Limit-Capped"] == "requested=50000, applied=10"
    body = _body(response)
    assert body["numberReturned"] == len(body["features"]) == 10
    assert body["limitCapped"]["detail"] == (
        "'limit' 50000 is above the maximum; 10 features per page."
    )
    (next_link,) = _rels(body, "next")
    assert parse_qs(urlsplit(next_link["href"]).query)["limit"] == ["10"]


def test_a_limit_within_the_maximum_is_not_flagged(client):
    response = client.get("/ogc/collections/areas/items", {"limit": "10000"})
    assert "Limit-Capped" not in response
    assert "limitCapped" not in _body(response)


@pytest.mark.parametrize("raw", ["0", "-1", "abc", "1.5", "1e3", " 5", "+5", "１０"])
def test_invalid_limit_is_400_saying_what_is_accepted(client, raw):
    body = _error(client.get("/ogc/collections/areas/items", {"limit": raw}), 400, "limit")
    assert body["detail"] == (
        "'limit' must be a whole number from 1 to 10000 (a larger one is capped to 10000), "
        f"got {raw!r}."
    )


def test_a_limit_of_any_length_is_capped(client):
    response = client.get("/ogc/collections/areas/items", {"limit": "9" * 25})
    assert response["Limit-Capped"].endswith(", applied=10000")
    assert _body(response)["numberReturned"] == 169


def test_an_offset_beyond_bigint_is_400(client):
    raw = "9" * 25
    body = _error(client.get("/ogc/collections/areas/items", {"offset": raw}), 400, "offset")
    assert body["detail"] == f"'offset' is too large, got {raw!r}."


@pytest.mark.parametrize("raw", ["-1", "x", "2.0"])
def test_invalid_offset_is_400(client, raw):
    body = _error(client.get("/ogc/collections/areas/items", {"offset": raw}), 400, "offset")
    assert body["detail"] == f"'offset' must be a whole number, 0 or more, got {raw!r}."


@pytest.mark.parametrize(
    ("params", "parameter", "detail"),
    [
        (
            {"bbox": "106.6,10.7,106.8"},
            "bbox",
            "'bbox' needs 4 comma-separated numbers, got 3: use "
            "bbox=minLon,minLat,maxLon,maxLat in WGS 84 degrees.",
        ),
        (
            {"bbox": "a,b,c,d"},
            "bbox",
            "'bbox' has a value that is not a number: use bbox=minLon,minLat,maxLon,maxLat in "
            "WGS 84 degrees.",
        ),
        (
            {"bbox": "106.8,10.7,106.6,10.8"},
            "bbox",
            "'bbox' minimum is greater than its maximum: the order is minLon,minLat,maxLon,maxLat.",
        ),
        (
            {"bbox": "600000,1190000,590000,1200000", "bbox-crs": EPSG_9210},
            "bbox",
            f"'bbox' in {EPSG_9210} must be minX,minY,maxX,maxY in metres.",
        ),
        ({"crs": "EPSG:32648"}, "crs", None),
        ({"bbox": "106.6,10.7,106.8,10.8", "bbox-crs": "EPSG:2000"}, "bbox-crs", None),
        ({"datetime": "yesterday"}, "datetime", None),
        ({"datetime": "../.."}, "datetime", "'datetime' interval needs at least one end."),
        ({"f": "xml"}, "f", "Unknown format 'f=xml'; use f=json or f=html."),
        ({"colour": "red"}, "colour", None),
    ],
)
def test_malformed_parameters_are_400_naming_the_parameter(
    client, points_layer, params, parameter, detail
):
    body = _error(client.get("/ogc/collections/tram-sac/items", params), 400, parameter)
    if detail is not None:
        assert body["detail"] == detail


def test_unsupported_crs_names_the_supported_ones(client):
    body = _error(client.get("/ogc/collections/areas/items", {"crs": "EPSG:32648"}), 400, "crs")
    assert "'EPSG:32648'" in body["detail"]
    for uri in (CRS84, EPSG_4326, EPSG_3857, EPSG_9210):
        assert uri in body["detail"]


def test_datetime_on_a_layer_without_time_is_400(client):
    body = _error(client.get("/ogc/collections/areas/items", {"datetime": "2025-07-01"}), 400)
    assert body == {
        "detail": "Layer areas has no time: 'datetime' is not available.",
        "code": "invalid_parameter",
        "parameter": "datetime",
    }


# --- filters -------------------------------------------------------------------------------


def test_property_filter_matches_the_orm(client):
    body = _body(client.get("/ogc/collections/areas/items", {"level": "ward", "limit": "500"}))
    assert body["numberMatched"] == _current_areas().filter(level="ward").count() == 168
    assert {f["properties"]["level"] for f in body["features"]} == {"ward"}


def test_property_filter_with_commas_is_any_of(client):
    body = _body(client.get("/ogc/collections/areas/items", {"type": "xa,dac_khu"}))
    expected = _current_areas().filter(area_type__in=["xa", "dac_khu"])
    assert body["numberMatched"] == expected.count() == 55
    assert {f["properties"]["type"] for f in body["features"]} == {"xa", "dac_khu"}


def test_sortby_descending_code(client):
    body = _body(client.get("/ogc/collections/areas/items", {"sortby": "-code", "limit": "500"}))
    codes = [f["properties"]["code"] for f in body["features"]]
    assert codes == sorted(_current_areas().values_list("code", flat=True), reverse=True)


def test_properties_parameter_chooses_the_properties(client):
    body = _body(client.get("/ogc/collections/areas/items", {"properties": "name,code"}))
    assert {tuple(f["properties"]) for f in body["features"]} == {("name", "code")}


def test_bbox_in_crs84_matches_the_orm_intersection(client):
    bbox = (106.69, 10.77, 106.71, 10.785)
    body = _body(
        client.get(
            "/ogc/collections/areas/items", {"bbox": ",".join(map(str, bbox)), "limit": "500"}
        )
    )
    expected = _current_areas().filter(geom__intersects=Polygon.from_bbox(bbox))
    assert _ids(body) == set(expected.values_list("code", flat=True))
    assert 2 <= body["numberMatched"] < 169


def test_bbox_of_six_numbers_selects_by_its_horizontal_part(client):
    flat = _body(client.get("/ogc/collections/areas/items", {"bbox": "106.69,10.77,106.71,10.785"}))
    with_heights = _body(
        client.get("/ogc/collections/areas/items", {"bbox": "106.69,10.77,-100,106.71,10.785,2000"})
    )
    assert _ids(with_heights) == _ids(flat)
    assert with_heights["numberMatched"] >= 2


def test_bbox_of_six_numbers_in_epsg_4326_is_latitude_first(client):
    lon_first = _body(
        client.get("/ogc/collections/areas/items", {"bbox": "106.69,10.77,106.71,10.785"})
    )
    lat_first = _body(
        client.get(
            "/ogc/collections/areas/items",
            {"bbox": "10.77,106.69,0,10.785,106.71,50", "bbox-crs": EPSG_4326},
        )
    )
    assert _ids(lat_first) == _ids(lon_first)


def test_bbox_of_five_numbers_is_refused(client):
    response = client.get("/ogc/collections/areas/items", {"bbox": "106.69,10.77,0,106.71,10.785"})
    assert response.status_code == 400
    assert response.json()["parameter"] == "bbox"


def test_api_definition_allows_a_bbox_of_four_or_six_numbers(client):
    definition = client.get("/ogc/api", {"f": "json"}).json()
    schema = definition["components"]["parameters"]["bbox"]["schema"]
    assert (schema["minItems"], schema["maxItems"]) == (4, 6)


def test_bbox_in_epsg_4326_is_latitude_first(client):
    lon_first = _body(
        client.get("/ogc/collections/areas/items", {"bbox": "106.69,10.77,106.71,10.785"})
    )
    lat_first = _body(
        client.get(
            "/ogc/collections/areas/items",
            {"bbox": "10.77,106.69,10.785,106.71", "bbox-crs": EPSG_4326},
        )
    )
    assert _ids(lat_first) == _ids(lon_first)
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
    body = _body(
        client.get(
            "/ogc/collections/tram-sac/items",
            {"bbox": ",".join(f"{v:.3f}" for v in bbox), "bbox-crs": EPSG_9210},
        )
    )
    assert _ids(body) == expected
    assert body["numberMatched"] == 7


def test_datetime_interval_matches_the_orm(client, points_layer):
    body = _body(
        client.get(
            "/ogc/collections/tram-sac/items",
            {"datetime": "2025-03-01T00:00:00Z/2025-05-31T23:59:59Z"},
        )
    )
    expected = points_layer.features.filter(
        time__gte=datetime(2025, 3, 1, tzinfo=UTC),
        time__lte=datetime(2025, 5, 31, 23, 59, 59, tzinfo=UTC),
    )
    assert _ids(body) == set(expected.values_list("id", flat=True))
    assert body["numberMatched"] == 3


def test_datetime_open_interval_and_single_day(client, points_layer):
    open_start = _body(client.get("/ogc/collections/tram-sac/items", {"datetime": "../2025-02-15"}))
    assert open_start["numberMatched"] == 2  # January and February 2025
    open_end = _body(client.get("/ogc/collections/tram-sac/items", {"datetime": "2026-06-01/.."}))
    assert (
        open_end["numberMatched"]
        == points_layer.features.filter(time__gte=datetime(2026, 6, 1, tzinfo=UTC)).count()
    )
    one_day = _body(client.get("/ogc/collections/tram-sac/items", {"datetime": "2025-04-01"}))
    assert one_day["numberMatched"] == 1


# --- coordinate reference systems (Part 2) -------------------------------------------------


def _first_coordinates(client, crs: str | None, url: str = "/ogc/collections/tram-sac/items"):
    params = {"limit": "1"} if url.endswith("/items") else {}
    if crs is not None:
        params["crs"] = crs
    response = client.get(url, params)
    body = _body(response)
    feature = body["features"][0] if body["type"] == "FeatureCollection" else body
    return response, feature["geometry"]["coordinates"]


def test_default_crs_is_crs84_longitude_first(client, first_point):
    response, (x, y) = _first_coordinates(client, None)
    assert response["Content-Crs"] == f"<{CRS84}>"
    assert (x, y) == pytest.approx(BEN_THANH, abs=1e-9)


def test_epsg_4326_answers_latitude_first(client, first_point):
    response, (first, second) = _first_coordinates(client, EPSG_4326)
    assert response["Content-Crs"] == f"<{EPSG_4326}>"
    assert (first, second) == pytest.approx((BEN_THANH[1], BEN_THANH[0]), abs=1e-9)


def test_short_epsg_names_are_accepted_and_answered_with_the_uri(client, first_point):
    response, _coordinates = _first_coordinates(client, "EPSG:3857")
    assert response["Content-Crs"] == f"<{EPSG_3857}>"


def test_web_mercator_matches_pyproj(client, first_point):
    response, (x, y) = _first_coordinates(client, EPSG_3857)
    assert response["Content-Crs"] == f"<{EPSG_3857}>"
    ex, ey = Transformer.from_crs(4326, 3857, always_xy=True).transform(*BEN_THANH)
    assert abs(x - ex) < 0.01
    assert abs(y - ey) < 0.01


def test_vn2000_tm3_matches_the_official_datum_shift_to_the_centimetre(client, first_point):
    response, (x, y) = _first_coordinates(client, EPSG_9210)
    assert response["Content-Crs"] == f"<{EPSG_9210}>"
    ex, ey = vn2000_transformer(4326, 9210).transform(*BEN_THANH)
    assert abs(x - ex) < 0.01
    assert abs(y - ey) < 0.01
    # Left to itself, PROJ picks EPSG:5194 (Total's Mekong-delta shift) for this point,
    # about 0.8 m away: the answer must not be that one.
    px, py = Transformer.from_crs("EPSG:4326", "EPSG:9210", always_xy=True).transform(*BEN_THANH)
    assert ((x - px) ** 2 + (y - py) ** 2) ** 0.5 > 0.5


def test_one_item_in_vn2000_tm3(client, first_point):
    url = f"/ogc/collections/tram-sac/items/{first_point.id}"
    response, (x, y) = _first_coordinates(client, EPSG_9210, url)
    assert response["Content-Crs"] == f"<{EPSG_9210}>"
    ex, ey = vn2000_transformer(4326, 9210).transform(*BEN_THANH)
    assert abs(x - ex) < 0.01
    assert abs(y - ey) < 0.01


def test_areas_label_point_in_tm3_is_inside_the_transformed_area(client, ward):
    area = ward
    x, y = vn2000_transformer(4326, 9210).transform(area.label_point.x, area.label_point.y)
    body = _body(
        client.get(
            "/ogc/collections/areas/items",
            {"bbox": f"{x - 1:.3f},{y - 1:.3f},{x + 1:.3f},{y + 1:.3f}", "bbox-crs": EPSG_9210},
        )
    )
    assert ward.code in _ids(body)


# --- one feature ---------------------------------------------------------------------------


def test_one_feature_with_links_and_content_crs(client, first_point):
    response = client.get(f"/ogc/collections/tram-sac/items/{first_point.id}")
    assert response["Content-Type"] == "application/geo+json"
    assert response["Content-Crs"] == f"<{CRS84}>"
    body = _body(response)
    assert body["type"] == "Feature"
    assert body["id"] == first_point.id
    assert body["properties"] == {"ten": "Trạm sạc 0", "so_cong": 0}
    links = _links(body)
    assert links[("self", "application/geo+json")] == (
        f"http://testserver/ogc/collections/tram-sac/items/{first_point.id}?f=json"
    )
    assert links[("collection", "application/json")] == (
        "http://testserver/ogc/collections/tram-sac?f=json"
    )


def test_an_area_is_found_by_its_gso_code(client, ward):
    body = _body(client.get(f"/ogc/collections/areas/items/{ward.code}"))
    assert body["id"] == ward.code
    assert body["properties"]["name"] == ward.name


@pytest.mark.parametrize("feature_id", ["0", "abc", "99999999999999999999999"])
def test_unknown_feature_is_404(client, feature_id):
    _error(client.get(f"/ogc/collections/facilities/items/{feature_id}"), 404)


def test_unknown_area_code_is_404(client):
    _error(client.get("/ogc/collections/areas/items/99999"), 404)


def test_a_feature_takes_no_filter_parameters(client, first_point):
    url = f"/ogc/collections/tram-sac/items/{first_point.id}"
    body = _error(client.get(url, {"bbox": "1,2,3,4"}), 400, "bbox")
    assert body["detail"] == "Unknown parameter 'bbox'; a feature takes only: crs, properties, f."


# --- staff-only layers and properties ------------------------------------------------------


def test_staff_only_layer_does_not_exist_for_the_public(client, staff_layer):
    assert "camera-noi-bo" not in {
        c["id"] for c in _body(client.get("/ogc/collections"))["collections"]
    }
    feature_id = staff_layer.features.get().id
    for url in (
        "/ogc/collections/camera-noi-bo",
        "/ogc/collections/camera-noi-bo/items",
        f"/ogc/collections/camera-noi-bo/items/{feature_id}",
    ):
        _error(client.get(url), 404)
    assert "/collections/camera-noi-bo/items" not in _body(client.get("/ogc/api"))["paths"]


def test_staff_only_layer_is_served_with_the_permission(staff_client, staff_layer):
    ids = {c["id"] for c in _body(staff_client.get("/ogc/collections"))["collections"]}
    assert "camera-noi-bo" in ids
    body = _body(staff_client.get("/ogc/collections/camera-noi-bo/items"))
    assert body["numberMatched"] == 1
    assert "/collections/camera-noi-bo/items" in _body(staff_client.get("/ogc/api"))["paths"]


def test_staff_only_property_is_hidden_from_the_public(client, points_layer):
    body = _body(client.get("/ogc/collections/tram-sac/items"))
    assert all("ghi_chu_noi_bo" not in f["properties"] for f in body["features"])
    _error(client.get("/ogc/collections/tram-sac/items", {"ghi_chu_noi_bo": "khóa 1"}), 400)
    _error(client.get("/ogc/collections/tram-sac/items", {"sortby": "ghi_chu_noi_bo"}), 400)


def test_staff_only_property_is_served_with_the_permission(staff_client, points_layer):
    body = _body(staff_client.get("/ogc/collections/tram-sac/items", {"ghi_chu_noi_bo": "khóa 1"}))
    assert body["numberMatched"] == 1
    assert body["features"][0]["properties"]["ghi_chu_noi_bo"] == "khóa 1"


def test_staff_only_facility_notes_are_hidden_from_the_public(client, staff_client, facility):
    params = {"category": "thu-nghiem-ogc"}
    (public,) = _body(client.get("/ogc/collections/facilities/items", params))["features"]
    (staff,) = _body(staff_client.get("/ogc/collections/facilities/items", params))["features"]
    assert "staff_notes" not in public["properties"]
    assert staff["properties"]["staff_notes"] == "Chìa khóa ở phòng bảo vệ"
    assert public["properties"]["name"] == staff["properties"]["name"] == facility.name


# --- HTML and negotiation ------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/ogc/",
        "/ogc/conformance",
        "/ogc/collections",
        "/ogc/collections/areas",
        "/ogc/collections/areas/items",
        "/ogc/collections/areas/items/{code}",
        "/ogc/api",
    ],
)
def test_every_resource_has_an_html_page(client, ward, url):
    response = client.get(url.format(code=ward.code), {"f": "html"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response.content.decode().lstrip().startswith("<!DOCTYPE html>")


def test_browsers_get_html_and_other_clients_json(client):
    html = client.get("/ogc/collections", HTTP_ACCEPT=BROWSER_ACCEPT)
    assert html["Content-Type"] == "text/html; charset=utf-8"
    assert "Accept" in html["Vary"]
    for accept in ("application/json", "*/*", "application/geo+json, application/json", ""):
        response = client.get("/ogc/collections", HTTP_ACCEPT=accept)
        assert response["Content-Type"] == "application/json", accept


def test_f_wins_over_the_accept_header(client):
    response = client.get("/ogc/collections", {"f": "json"}, HTTP_ACCEPT=BROWSER_ACCEPT)
    assert response["Content-Type"] == "application/json"


def test_unknown_format_is_400_on_every_resource(client):
    for url in ("/ogc/", "/ogc/conformance", "/ogc/collections", "/ogc/api"):
        _error(client.get(url, {"f": "xml"}), 400, "f")


def test_html_pages_are_vietnamese_by_default(vi_client):
    landing = vi_client.get("/ogc/", HTTP_ACCEPT=BROWSER_ACCEPT).content.decode()
    assert '<html lang="vi">' in landing
    assert "Bộ dữ liệu" in landing  # "Collections"
    assert "Lớp dữ liệu của bản đồ chung" in landing  # the description
    items = vi_client.get("/ogc/collections/areas/items?f=html&limit=10").content.decode()
    assert "Đối tượng 1–10 trên 169." in items
    assert "Trang sau" in items


def test_html_pages_are_english_when_asked(client):
    items = client.get("/ogc/collections/areas/items?f=html&limit=10").content.decode()
    assert '<html lang="en">' in items
    assert "Features 1–10 of 169." in items
    assert "Next page" in items


def test_items_html_links_each_feature_and_lists_visible_properties(client, points_layer):
    html = client.get("/ogc/collections/tram-sac/items", {"f": "html", "limit": "3"}).content
    text = html.decode()
    first = points_layer.features.order_by("id").first()
    assert f'href="http://testserver/ogc/collections/tram-sac/items/{first.id}?f=html"' in text
    assert "so_cong" in text
    assert "ghi_chu_noi_bo" not in text
    assert 'id="ogc-features"' in text  # the map's data


def test_capped_limit_is_shown_on_the_html_page(client, points_layer, settings):
    settings.COMMONMAP = {**settings.COMMONMAP, "OGC_LIMIT_MAX": 10}
    response = client.get("/ogc/collections/tram-sac/items", {"f": "html", "limit": "11"})
    assert response["Limit-Capped"] == "requested=11, applied=10"
    assert "&#x27;limit&#x27; 11 is above the maximum; 10 features per page." in (
        response.content.decode()
    )
