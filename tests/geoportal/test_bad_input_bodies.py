"""Bodies: JSON nested too deep is a 400, a body over its endpoint's limit a 413 answered before
it is read; the largest lookup batch still fits.
"""

import json

import pytest
from django.conf import settings

from core.input_guard import MAX_JSON_DEPTH
from layers.views import Lookup
from tests.geoportal.bad_input import json_error

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url", ["/api/v1/lookup/", "/api/v1/feedback/items/"], ids=["lookup", "feedback"]
)
def test_json_nested_until_python_gives_up_is_400(resident_client, url):
    response = resident_client.post(url, "[" * 2048, content_type="application/json")
    body = json_error(response, 400, "body")
    assert body["detail"] == f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep."


def test_json_nested_deeper_than_the_limit_is_400(client):
    depth = MAX_JSON_DEPTH + 2
    raw = "[" * depth + "]" * depth
    body = json_error(client.post("/api/v1/lookup/", raw, content_type="application/json"), 400)
    assert body["parameter"] == "body"


def test_a_lookup_body_over_its_limit_is_413_before_it_is_read(client):
    # The test client's payload asserts if more is read than it holds: the 50 MB announced
    # would fail the request, not answer 413, if anything tried to read them.
    response = client.post(
        "/api/v1/lookup/",
        "[[106.7, 10.7]]",
        content_type="application/json",
        CONTENT_LENGTH=str(50 * 1024 * 1024),
    )
    body = json_error(response, 413, "body")
    assert body["detail"] == (
        f"The request body is {50 * 1024 * 1024} bytes; this endpoint takes at most "
        f"{Lookup.max_body_bytes}."
    )


def test_a_lookup_body_just_over_its_limit_is_413(client):
    raw = "[" + " " * Lookup.max_body_bytes + "[106.7, 10.7]]"
    json_error(client.post("/api/v1/lookup/", raw, content_type="application/json"), 413, "body")


def test_the_largest_batch_pretty_printed_fits_under_the_lookup_limit(client):
    points = [
        {"lon": 106.70091234567891 + i * 1e-9, "lat": 10.776912345678912}
        for i in range(settings.COMMONMAP["LOOKUP_BATCH_MAX"])
    ]
    raw = json.dumps(points, indent=4)
    assert len(raw.encode()) < Lookup.max_body_bytes
    response = client.post("/api/v1/lookup/", raw, content_type="application/json")
    assert response.status_code == 200, response.content[:300]
    assert response.json()["count"] == len(points)


def test_a_json_body_over_the_default_limit_is_413_before_it_is_read(resident_client):
    response = resident_client.post(
        "/api/v1/feedback/items/",
        "{}",
        content_type="application/json",
        CONTENT_LENGTH=str(settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1),
    )
    json_error(response, 413, "body")


def test_an_open311_form_over_the_limit_is_413_in_its_format(client):
    response = client.post(
        "/open311/v2/requests.xml",
        "api_key=x",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1),
    )
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/xml")


def test_a_multipart_field_over_the_form_limit_is_413_json(resident_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    form = {"category": "den-duong", "description": "x" * 2000}
    json_error(resident_client.post("/api/v1/feedback/items/", form), 413, "body")
