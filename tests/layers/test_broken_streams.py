"""Outputs against geometries no output could write, and streams that fail mid-way.

Rows written by psql (or an older import) may hold what ``ST_AsGeoJSON``,
``ST_AsMVTGeom`` or ``ST_Transform`` refuse: a nested GeometryCollection, a curve, a
polyhedral surface, a latitude of 91°, a NaN. One such row used to 500 a page, cut an
export short with a 200, and break every client listing the collections. Every output now
reads geometries through ``layers.writable``: the odd ones are written flattened and
linearised, the impossible ones as ``"geometry": null`` (and left out of tiles).

Should a streamed output still fail after it started (the database gone), it ends so that
a client notices: the body stops without its closing brackets (no JSON document), the
error is logged, and gunicorn aborts the chunked response (no last chunk).
"""

import json
import logging
import time
from concurrent.futures import ThreadPoolExecutor

import mapbox_vector_tile
import pytest
import requests
from django.db import connection, connections

from layers import features
from layers.models import Feature, Layer
from tests.tiles.xyz import tile_of
from tests.web.conftest import (  # noqa: F401 (gunicorn on the test database)
    mapproxy_port,
    resident_idp,
    server_url,
)
from tiles.raster import RASTER_TOKEN_HEADER

pytestmark = pytest.mark.django_db

SLUG = "hinh-la"
# (n, WKT as psql writes it, the GeoJSON geometry every output now gives)
ROWS = [
    (1, "POINT(106.7 10.77)", {"type": "Point", "coordinates": [106.7, 10.77]}),
    (
        2,
        "GEOMETRYCOLLECTION(POINT(106.7 10.77),GEOMETRYCOLLECTION(POINT(106.71 10.78)))",
        {"type": "MultiPoint", "coordinates": [[106.7, 10.77], [106.71, 10.78]]},
    ),
    (
        3,
        "MULTICURVE((106.7 10.77,106.71 10.78))",
        {"type": "MultiLineString", "coordinates": [[[106.7, 10.77], [106.71, 10.78]]]},
    ),
    (
        4,
        "POLYHEDRALSURFACE(((106.7 10.77,106.71 10.77,106.71 10.78,106.7 10.77)))",
        {
            "type": "MultiPolygon",
            "coordinates": [[[[106.7, 10.77], [106.71, 10.77], [106.71, 10.78], [106.7, 10.77]]]],
        },
    ),
    (
        5,
        "GEOMETRYCOLLECTION(POINT EMPTY,POINT(106.7 10.77),LINESTRING(106.7 10.77,106.71 10.78))",
        {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Point", "coordinates": [106.7, 10.77]},
                {"type": "LineString", "coordinates": [[106.7, 10.77], [106.71, 10.78]]},
            ],
        },
    ),
    (6, "MULTIPOINT(EMPTY,106.7 10.77)", {"type": "MultiPoint", "coordinates": [[106.7, 10.77]]}),
    (7, "POINT(106.7 91)", None),
    (8, "POINT(NaN 10.77)", None),
    (9, "LINESTRING(106.7 10.77,NaN 10.78,106.72 10.79)", None),
    (10, "GEOMETRYCOLLECTION EMPTY", None),
]


@pytest.fixture
def odd_layer() -> Layer:
    """An imported layer whose rows psql filled with every kind of odd geometry."""
    layer = Layer.objects.create(
        slug=SLUG,
        title="Hình lạ",
        geometry_type="Geometry",
        attribute_schema=[{"name": "n", "type": "integer", "title": "n", "public": True}],
    )
    with connection.cursor() as cursor:
        for n, wkt, _expected in ROWS:
            cursor.execute(
                "INSERT INTO layers_feature (layer_id, geom, attributes, name, name_search, "
                "source_key) VALUES (%s, ST_GeomFromText(%s, 4326), %s, '', '', '')",
                [layer.pk, wkt, json.dumps({"n": n})],
            )
    return layer


def geometries(body: dict) -> list:
    return [f["geometry"] for f in body["features"]]


EXPECTED = [expected for _n, _wkt, expected in ROWS]


def test_features_page_writes_every_row(client, odd_layer):
    response = client.get(f"/api/v1/layers/{SLUG}/features/?ordering=n")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert [f["properties"]["n"] for f in body["features"]] == list(range(1, 11))
    assert geometries(body) == EXPECTED


def test_export_is_one_whole_json_document(client, odd_layer):
    response = client.get(f"/api/v1/layers/{SLUG}/export/?ordering=n")
    assert response.status_code == 200
    assert geometries(json.loads(b"".join(response.streaming_content))) == EXPECTED


@pytest.mark.parametrize(
    "crs",
    [
        "",
        "http://www.opengis.net/def/crs/EPSG/0/3857",
        "http://www.opengis.net/def/crs/EPSG/0/9210",
    ],
)
def test_ogc_items_in_every_crs_are_whole(client, odd_layer, crs):
    url = f"/ogc/collections/{SLUG}/items?f=json&sortby=n" + (f"&crs={crs}" if crs else "")
    response = client.get(url)
    assert response.status_code == 200
    body = json.loads(b"".join(response.streaming_content))
    assert body["numberReturned"] == 10
    if not crs:  # CRS84: exactly what the GeoJSON API gives
        assert geometries(body) == EXPECTED
    written = [g is not None for g in geometries(body)]
    assert written == [e is not None for e in EXPECTED]


def test_one_odd_feature_and_its_html_page(client, odd_layer):
    feature = Feature.objects.get(layer=odd_layer, attributes__n=2)
    one = client.get(f"/api/v1/layers/{SLUG}/features/{feature.pk}/")
    assert one.status_code == 200 and one.json()["geometry"] == EXPECTED[1]
    nan = Feature.objects.get(layer=odd_layer, attributes__n=8)
    assert client.get(f"/ogc/collections/{SLUG}/items/{nan.pk}?f=json").json()["geometry"] is None
    assert client.get(f"/ogc/collections/{SLUG}/items?f=html").status_code == 200


def test_collections_list_and_tilejson_answer(client, odd_layer):
    listed = client.get("/ogc/collections?f=json")
    assert listed.status_code == 200
    assert SLUG in [c["id"] for c in listed.json()["collections"]]
    assert client.get(f"/tiles/{SLUG}.json").status_code == 200


def test_vector_tile_draws_the_writable_rows_only(client, odd_layer):
    x, y = tile_of(106.705, 10.775, 14)
    response = client.get(f"/tiles/{SLUG}/14/{x}/{y}.mvt")
    assert response.status_code == 200
    drawn = {
        f["properties"]["n"] for f in mapbox_vector_tile.decode(response.content)[SLUG]["features"]
    }
    assert drawn == {1, 2, 3, 4, 5, 6}


def test_raster_tile_is_drawn(client, odd_layer, settings):
    x, y = tile_of(106.705, 10.775, 14)
    response = client.get(
        f"/tiles/raster/{SLUG}/14/{x}/{y}.png",
        headers={RASTER_TOKEN_HEADER: settings.COMMONMAP["RASTER_TOKEN"]},
    )
    assert response.status_code == 200 and response["Content-Type"] == "image/png"


# --- a stream that fails mid-way -----------------------------------------------------------

# Real PostgreSQL errors: row 3 divides by zero, after rows 1 and 2 have been sent.
FAILING_SQL = (
    "SELECT CASE WHEN g < 3 THEN '{\"n\":' || g || '}' ELSE (1 / (g - g))::text END "
    "FROM generate_series(1, 5) AS g"
)


def test_stream_failing_mid_way_ends_without_its_closing_brackets(monkeypatch, caplog):
    monkeypatch.setattr(features, "BATCH_ROWS", 1)
    chunks = []
    stream = features.stream(FAILING_SQL, {}, '{"features":[', "]}", "proof")
    with (
        caplog.at_level(logging.ERROR, logger="layers.features"),
        pytest.raises(Exception) as failed,
    ):
        for chunk in stream:
            chunks.append(chunk)
    assert "division by zero" in str(failed.value)
    body = b"".join(chunks)
    assert body == b'{"features":[{"n":1},{"n":2}'
    with pytest.raises(json.JSONDecodeError):
        json.loads(body)
    [record] = [r for r in caplog.records if r.name == "layers.features"]
    assert record.getMessage() == (
        "GeoJSON stream proof failed after 2 features; the response is cut short"
    )
    assert record.exc_info is not None


def test_stream_failing_at_once_sends_nothing(monkeypatch):
    """The first batch is read before the first byte: the server can still answer 500."""
    failing_first = "SELECT (1 / (g - g))::text FROM generate_series(1, 3) AS g"
    stream = features.stream(failing_first, {}, '{"features":[', "]}", "proof")
    with pytest.raises(Exception) as failed:
        next(stream)
    assert "division by zero" in str(failed.value)


def test_stream_that_does_not_fail_is_whole(monkeypatch):
    monkeypatch.setattr(features, "BATCH_ROWS", 2)
    ok = "SELECT '{\"n\":' || g || '}' FROM generate_series(1, 5) AS g"
    body = b"".join(features.stream(ok, {}, '{"features":[', "]}"))
    assert json.loads(body) == {"features": [{"n": n} for n in range(1, 6)]}


# --- the same through gunicorn: a broken transfer, not a short layer -----------------------

BIG = "dai-lon"
BIG_ROWS = 12_000  # about 25 MB of GeoJSON: more than the socket buffers between us hold


@pytest.fixture
def big_layer(django_db_blocker):
    """A committed layer (gunicorn reads the database from its own connections) of rows of
    about 2 KB each; removed afterwards."""

    def create():
        layer = Layer.objects.create(slug=BIG, title="Dài lắm")
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO layers_feature (layer_id, geom, attributes, name, name_search, "
                "source_key) SELECT %s, ST_SetSRID(ST_MakePoint(106.6 + g * 1e-5, 10.7), 4326), "
                "jsonb_build_object('n', g, 'text', repeat(md5(g::text), 64)), '', '', '' "
                "FROM generate_series(1, %s) AS g",
                [layer.pk, BIG_ROWS],
            )

    def remove():
        Layer.objects.filter(slug=BIG).delete()

    with django_db_blocker.unblock(), ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(_in_own_connection, create).result()
        try:
            yield BIG
        finally:
            pool.submit(_in_own_connection, remove).result()


def _in_own_connection(work):
    """Run ``work`` in this thread's own (autocommit) connection, then close it."""
    try:
        return work()
    finally:
        connections.close_all()


def _end_the_streaming_session() -> int:
    """Terminate the database session of the worker that is streaming (it waits, idle in
    its transaction, while the socket is full): as when the database restarts."""
    deadline = time.monotonic() + 30  # a loaded machine: the worker may be slow to fetch
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                "AND query LIKE 'FETCH FORWARD%%'"
            )
            ended = cursor.fetchone()[0]
        if ended:
            return ended
        time.sleep(0.05)
    pytest.fail("no streaming session found")


def test_export_cut_short_by_the_database_is_a_broken_transfer(server_url, big_layer):  # noqa: F811
    response = requests.get(
        f"{server_url}/api/v1/layers/{big_layer}/export/",
        headers={"Accept-Encoding": "identity"},
        stream=True,
        timeout=60,
    )
    assert response.status_code == 200
    assert response.headers["Transfer-Encoding"] == "chunked"
    body = response.iter_content(chunk_size=4096)
    received = bytearray(next(body))
    assert _end_the_streaming_session() == 1
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        for chunk in body:
            received += chunk
    assert 0 < len(received) < BIG_ROWS * 2048
    assert received.startswith(b'{"type":"FeatureCollection","layer":"dai-lon","features":[')
    assert not received.endswith(b"]}")
    with pytest.raises(json.JSONDecodeError):
        json.loads(received)
