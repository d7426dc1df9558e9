"""Vector tiles through the test client, read back by an independent decoder
(mapbox-vector-tile)."""

import gzip

import mapbox_vector_tile

BEN_THANH = (106.7009, 10.7769)


def fetch(client, layers: str, z: int, x: int, y: int, **headers):
    """GET the tile of ``layers`` (comma-separated slugs)."""
    return client.get(f"/tiles/{layers}/{z}/{x}/{y}.mvt", headers=headers)


def decode(response) -> dict:
    """The decoded MVT of a 200 answer, gzipped or not: {layer: {"features": [...]}}."""
    assert response.status_code == 200, response.content
    data = response.content
    if response.get("Content-Encoding") == "gzip":
        data = gzip.decompress(data)
    return mapbox_vector_tile.decode(data)
