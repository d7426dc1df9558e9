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
    assert {"level", "parent", "q", "bbox", "generation", "simplify", "page", "page_size"} <= names


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
