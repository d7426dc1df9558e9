"""A tile of built-in layers is looked up and, only when none is stored, made in the same
statement (tiles/sql/cache_read_or_make.sql, through ``tiles_read_or_make``): a stored tile
is served as stored, and its making is never executed; a new one is made, kept and served
from the cache after."""

import gzip

import pytest
from django.db import DataError, connection, transaction
from psycopg import sql

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


# A tile statement that fails whenever it runs (division by zero).
FAILING = sql.SQL("SELECT (1 / 0)::text::bytea, ''")


def _read_or_make(make: sql.Composable) -> tuple:
    """The lookup-or-make statement of the tile with ``make`` as its tile statement."""
    statement = cache.read_or_make_sql("facilities", Z, X, Y, make)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
        return cursor.fetchone()


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
    with pytest.raises(DataError, match="division by zero"):
        _read_or_make(FAILING)  # nothing stored: the tile statement runs
    assert cache.store(["facilities"], "facilities", Z, X, Y, b"x", "e", _snapshot())
    assert _read_or_make(FAILING) == (b"x", "e", None, None)


def test_a_missing_tile_is_made_by_the_tile_statement():
    cache.forget_tile("facilities", Z, X, Y)
    specs = [get_layer("facilities", None)]
    data, etag, mvt, snapshot = _read_or_make(tile_sql(specs, Z, X, Y))
    assert (data, etag) == (None, None) and mvt and snapshot
    with connection.cursor() as cursor:
        cursor.execute(tile_sql(specs, Z, X, Y))
        assert bytes(mvt) == bytes(cursor.fetchone()[0])


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
