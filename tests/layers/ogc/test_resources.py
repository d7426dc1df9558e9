"""OGC API - Features at /ogc/: the landing page, conformance, the API definition and the
collections."""

import pytest
from django.contrib.gis.db.models import Extent
from drf_spectacular.validation import validate_schema

from layers.crs import CRS84
from layers.models import Layer
from tests.layers.ogc.support import (
    CONFORMANCE,
    EPSG_3857,
    EPSG_4326,
    EPSG_9210,
    current_areas,
    error_body,
    links_by_type,
    ok_body,
)

pytestmark = pytest.mark.django_db


# --- landing page, conformance, API definition ---------------------------------------------


def test_landing_page_links_to_the_api_definition_docs_conformance_and_data(client):
    body = ok_body(client.get("/ogc/"))
    assert body["title"] and body["description"]
    links = links_by_type(body)
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
    body = ok_body(client.get("/ogc/conformance"))
    assert set(body["conformsTo"]) == CONFORMANCE
    assert len(body["conformsTo"]) == len(CONFORMANCE)


def test_api_definition_is_valid_openapi_3_0_with_the_ogc_paths(client, points_layer):
    response = client.get("/ogc/api")
    assert response["Content-Type"] == "application/vnd.oai.openapi+json;version=3.0"
    document = ok_body(response)
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
    document = ok_body(client.get("/ogc/api"))
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
    body = ok_body(client.get("/ogc/collections"))
    public_imported = sorted(
        Layer.objects.filter(is_public=True, is_hidden=False).values_list("slug", flat=True)
    )
    ids = [c["id"] for c in body["collections"]]
    # Registered layers first (the project's, then any an app in the tests declares),
    # then the public imported ones.
    assert ids[:3] == ["areas", "facilities", "feedback"]
    assert ids[len(ids) - len(public_imported) :] == public_imported
    assert "tram-sac" in public_imported
    assert "camera-noi-bo" not in ids
    assert (
        links_by_type(body)[("self", "application/json")]
        == "http://testserver/ogc/collections?f=json"
    )


def test_collection_describes_items_crs_and_storage_crs(client):
    body = ok_body(client.get("/ogc/collections/facilities"))
    assert body["id"] == "facilities"
    assert body["itemType"] == "feature"
    assert body["crs"] == [CRS84, EPSG_4326, EPSG_3857, EPSG_9210]
    assert body["storageCrs"] == CRS84
    links = links_by_type(body)
    assert links[("self", "application/json")].endswith("/ogc/collections/facilities?f=json")
    assert links[("alternate", "text/html")].endswith("/ogc/collections/facilities?f=html")
    assert links[("items", "application/geo+json")] == (
        "http://testserver/ogc/collections/facilities/items?f=json"
    )
    assert links[("items", "text/html")].endswith("/collections/facilities/items?f=html")


def test_collection_spatial_extent_is_the_orm_extent_in_crs84(client):
    body = ok_body(client.get("/ogc/collections/areas"))
    expected = current_areas().aggregate(e=Extent("geom"))["e"]
    assert body["extent"]["spatial"]["crs"] == CRS84
    (bbox,) = body["extent"]["spatial"]["bbox"]
    assert bbox == pytest.approx(list(expected), abs=1e-6)
    assert "temporal" not in body["extent"]  # areas have no time


def test_collection_with_time_has_its_temporal_extent(client, points_layer):
    body = ok_body(client.get("/ogc/collections/tram-sac"))
    assert body["extent"]["temporal"] == {
        "interval": [["2025-01-01T00:00:00Z", "2027-01-01T00:00:00Z"]],
        "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian",
    }


def test_unknown_collection_is_404(client):
    for url in ("/ogc/collections/khong-co", "/ogc/collections/khong-co/items"):
        error_body(client.get(url), 404)
