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
