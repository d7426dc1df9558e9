"""A tile stored alone in its transaction (a request's, in autocommit) commits without
waiting for the WAL flush, and nothing else does: not the rest of the session, not a
caller's transaction that stores a tile among other writes (tiles/cache.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.tiles.xyz import tile_of
from tiles import cache
from tiles.models import CachedTile

pytestmark = pytest.mark.django_db

KEY = "facilities"
Z = 14
X, Y = tile_of(106.2, 11.3, Z)  # a tile no other test of the cache stores


def _synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


def _store_in_autocommit() -> tuple[bool, list[str], str, bool]:
    """In a session of its own, in autocommit: (kept, the statements sent, the session's
    synchronous_commit afterwards, whether the tile is there for everybody)."""
    assert connection.get_autocommit() and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_snapshot()::text")
        snapshot = cursor.fetchone()[0]
    with CaptureQueriesContext(connection) as queries:
        kept = cache.store([KEY], KEY, Z, X, Y, b"tile", "etag", snapshot)
    sent = [q["sql"] for q in queries.captured_queries]
    setting = _synchronous_commit()
    there = CachedTile.objects.filter(layers_key=KEY, z=Z, x=X, y=Y).exists()
    return kept, sent, setting, there


def _forget() -> None:
    cache.forget_tile(KEY, Z, X, Y)


def test_a_store_alone_commits_without_the_flush_and_leaves_the_session_as_it_was(committed):
    try:
        kept, sent, setting, there = committed(_store_in_autocommit)
    finally:
        committed(_forget)
    assert kept and there
    assert len(sent) == 1 and sent[0].startswith(cache.ASYNC_COMMIT + ";")
    # SET LOCAL: the setting ended with the store's transaction.
    assert setting == "on"


def test_a_store_inside_a_transaction_leaves_its_commit_synchronous():
    assert connection.in_atomic_block  # the test's transaction: the caller's, here
    snapshot_sql = "SELECT pg_current_snapshot()::text"
    with connection.cursor() as cursor:
        cursor.execute(snapshot_sql)
        snapshot = cursor.fetchone()[0]
    with CaptureQueriesContext(connection) as queries:
        assert cache.store([KEY], KEY, Z, X, Y, b"tile", "etag", snapshot)
    assert "synchronous_commit" not in queries.captured_queries[0]["sql"]
    assert _synchronous_commit() == "on"
