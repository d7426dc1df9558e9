"""The OpenAPI schema documents every API operation."""

import pytest
import yaml


@pytest.fixture
def schema(client, db):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_schema_is_openapi_3_with_the_lookup_and_areas_operations(schema):
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/areas/", "/api/v1/areas/{code}/", "/api/v1/lookup/"} <= set(schema["paths"])
    assert {"get", "post"} <= set(schema["paths"]["/api/v1/lookup/"])


def test_schema_documents_the_area_filters(schema):
    names = {p["name"] for p in schema["paths"]["/api/v1/areas/"]["get"]["parameters"]}
    expected = {"level", "parent_code", "q", "bbox", "generation", "simplify", "page", "page_size"}
    assert expected <= names


PAGED_LISTS = [
    "/api/v1/areas/",
    "/api/v1/layers/{slug}/features/",
    "/api/v1/imports/",
    "/api/v1/feedback/items/",
]


def _page_size(schema, path: str) -> dict:
    operation = schema["paths"][path]["get"]
    return next(p for p in operation["parameters"] if p["name"] == "page_size")


def test_every_paged_list_documents_one_page_size_and_its_404(schema, settings):
    maximum = settings.COMMONMAP["PAGE_SIZE_MAX"]
    for path in PAGED_LISTS:
        size = _page_size(schema, path)["schema"]
        ranges = [
            (part["minimum"], part["maximum"])
            for part in size["anyOf"]
            if part.get("type") == "integer"
        ]
        assert ranges == [(1, maximum)], path
        assert "404" in schema["paths"][path]["get"]["responses"], path


def test_docs_page_serves_self_hosted_swagger_ui(client):
    html = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in html
    assert "cdn.jsdelivr.net" not in html


def test_schema_documents_the_layer_feature_operations(schema):
    paths = schema["paths"]
    assert {
        "/api/v1/layers/",
        "/api/v1/layers/{slug}/",
        "/api/v1/layers/{slug}/features/",
        "/api/v1/layers/{slug}/features/{feature_id}/",
        "/api/v1/layers/{slug}/export/",
    } <= set(paths)
    names = {p["name"] for p in paths["/api/v1/layers/{slug}/features/"]["get"]["parameters"]}
    assert {"bbox", "q", "near", "radius", "nearest", "k", "fields", "ordering", "page"} <= names


def test_schema_generates_without_warnings_and_validates(db, tmp_path):
    from django.core.management import call_command

    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    assert out.stat().st_size > 0


def _component(schema, ref):
    target = schema
    for part in ref.removeprefix("#/").split("/"):
        target = target[part]
    return target


def _json_schema(schema, path, method="get", status="200"):
    content = schema["paths"][path][method]["responses"][status]["content"]
    return content.get("application/json", content.get("application/geo+json"))["schema"]


def test_area_list_is_documented_as_a_feature_collection_page(schema):
    page = _component(schema, _json_schema(schema, "/api/v1/areas/")["$ref"])
    parts = [p if "$ref" not in p else _component(schema, p["$ref"]) for p in page["allOf"]]
    required = {name for part in parts for name in part.get("required", [])}
    properties = {name for part in parts for name in part.get("properties", {})}
    assert {"type", "count", "features"} <= required
    assert "results" not in properties


def test_lists_are_documented_as_arrays(schema):
    for path in ("/api/v1/feedback/categories/", "/api/v1/layers/", "/api/v1/generations/"):
        assert _json_schema(schema, path)["type"] == "array", path


def test_every_4xx_is_documented_with_the_error_body(schema):
    assert _component(schema, "#/components/schemas/Error")["required"] == ["detail", "code"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            errors = {s: r for s, r in operation["responses"].items() if s.startswith("4")}
            assert "401" in errors, (method, path)
            for status, response in errors.items():
                body = response["content"]["application/json"]["schema"]
                assert body == {"$ref": "#/components/schemas/Error"}, (method, path, status)


def test_feature_operations_document_geojson(schema):
    page = _json_schema(schema, "/api/v1/layers/{slug}/features/")
    assert {"$ref": "#/components/schemas/GeoJSONFeatureCollection"} in page["allOf"]
    one = _json_schema(schema, "/api/v1/layers/{slug}/features/{feature_id}/")
    assert one == {"$ref": "#/components/schemas/GeoJSONFeature"}
    names = {
        p["name"] for p in schema["paths"]["/api/v1/layers/{slug}/features/"]["get"]["parameters"]
    }
    assert "<property>" not in names
