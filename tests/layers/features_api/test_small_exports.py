"""An export of at most one stream batch (``SMALL_EXPORT`` features) is read in one
statement and sent as one chunk with its length; a bigger one is streamed. Both give the
same document, in the same order, plain or gzipped."""

import gzip
import json

import pytest

from layers import feature_views
from tests.layers.features_api.support import ok_body

pytestmark = pytest.mark.django_db

URL = "/api/v1/layers/tram-sac/export/"  # points_layer: 60 features


def _chunks(response) -> list[bytes]:
    assert response.status_code == 200
    return [chunk for chunk in response.streaming_content if chunk]


def test_a_small_export_is_one_chunk_with_its_length(client, points_layer):
    response = client.get(URL, {"ordering": "-so_giuong"})
    chunks = _chunks(response)
    assert len(chunks) == 1
    assert response["Content-Length"] == str(len(chunks[0]))
    body = json.loads(chunks[0])
    assert [f["properties"]["so_giuong"] for f in body["features"]] == list(range(59, -1, -1))


@pytest.mark.parametrize(("small", "whole"), [(60, True), (59, False)])
def test_an_export_one_feature_over_the_bound_is_streamed(
    client, points_layer, monkeypatch, small, whole
):
    monkeypatch.setattr(feature_views, "SMALL_EXPORT", small)
    response = client.get(URL)
    chunks = _chunks(response)
    assert (len(chunks) == 1) is whole
    assert response.has_header("Content-Length") is whole
    assert len(json.loads(b"".join(chunks))["features"]) == 60


@pytest.mark.parametrize("encoding", ["identity", "gzip"])
def test_small_and_streamed_exports_are_the_same_document(
    client, points_layer, monkeypatch, encoding
):
    query = {"mo_cua": "true", "ordering": "ten"}

    def export() -> bytes:
        response = client.get(URL, query, headers={"accept-encoding": encoding})
        body = b"".join(_chunks(response))
        if encoding == "gzip":
            assert response["Content-Encoding"] == "gzip"
            return gzip.decompress(body)
        return body

    small = export()
    monkeypatch.setattr(feature_views, "SMALL_EXPORT", 2)
    streamed = export()
    assert small == streamed
    assert len(ok_body(client.get(URL, query))["features"]) == 30


def test_an_empty_small_export_is_a_whole_document(client):
    response = client.get("/api/v1/layers/areas/export/", {"code": "00000"})
    chunks = _chunks(response)
    assert json.loads(chunks[0]) == {"type": "FeatureCollection", "layer": "areas", "features": []}
    assert response["Content-Length"] == str(len(chunks[0]))
