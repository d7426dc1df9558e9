"""A tile of built-in layers is looked up and, only when none is stored, made in the same
statement (tiles/sql/cache_read_or_make.sql): a stored tile is served as stored, and its
making is never executed; a new one is made, kept and served from the cache after."""

import gzip

import pytest
from django.db import connection

from layers.registry import get_layer
from tests.tiles.mvt_client import BEN_THANH
from tests.tiles.xyz import tile_of
from tiles import cache
from tiles.models import CachedTile
from tiles.mvt import tile_sql

pytestmark = pytest.mark.django_db

Z = 14
X, Y = tile_of(*BEN_THANH, Z)
PATH = f"/tiles/facilities/{Z}/{X}/{Y}.mvt"
SOURCES = ("tiles_pointcell", "layers_facility")  # what making a facilities tile reads


def _plan() -> list[str]:
    """The lookup-or-make statement of the tile, run under EXPLAIN ANALYZE."""
    specs = [get_layer("facilities", None)]
    statement = cache.read_or_make_sql("facilities", Z, X, Y, tile_sql(specs, Z, X, Y))
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + statement.as_string(cursor.connection)
        )
        return [row[0] for row in cursor.fetchall()]


def _reads_of_sources(plan: list[str]) -> list[str]:
    return [line for line in plan if any(f" on {table}" in line for table in SOURCES)]


def test_a_stored_tile_is_served_as_stored(client):
    cache.forget_tile("facilities", Z, X, Y)
    stored = gzip.compress(b"stored tile", mtime=0)
    snapshot = _snapshot()
    assert cache.store(["facilities"], "facilities", Z, X, Y, stored, "stored-etag", snapshot)
    response = client.get(PATH, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response.content == stored and response["ETag"] == '"stored-etag"'


def test_the_making_is_never_executed_for_a_stored_tile():
    cache.forget_tile("facilities", Z, X, Y)
    missed = _reads_of_sources(_plan())
    assert missed and any("never executed" not in line for line in missed)
    assert cache.store(["facilities"], "facilities", Z, X, Y, b"x", "e", _snapshot())
    hit = _reads_of_sources(_plan())
    assert hit and all("never executed" in line for line in hit)


def test_a_new_tile_is_made_kept_and_then_read_from_the_cache(client):
    cache.forget_tile("facilities", Z, X, Y)
    first = client.get(PATH, HTTP_ACCEPT_ENCODING="gzip")
    assert first.status_code == 200 and first.content[:2] == b"\x1f\x8b"
    kept = CachedTile.objects.get(layers_key="facilities", z=Z, x=X, y=Y)
    assert f'"{kept.etag}"' == first["ETag"] and bytes(kept.data) == first.content
    again = client.get(PATH, HTTP_ACCEPT_ENCODING="gzip")
    assert (again.content, again["ETag"]) == (first.content, first["ETag"])


def _snapshot() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_snapshot()::text")
        return cursor.fetchone()[0]
