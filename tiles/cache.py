"""The tile cache in PostGIS: read, and store only what cannot be stale.

Triggers (tiles/triggers.py) delete cached tiles when a layer's rows change. What
remains is the race where a tile is computed from a snapshot taken before a write commits
and stored after the trigger ran. A tile is therefore stored only if

* no write to its layers is in flight: writers hold a shared per-layer "write" advisory
  lock until they commit, and no other session may hold it when the tile is stored; and
* no write recorded in ``tiles_tiledirty`` that touches the tile is invisible to the
  snapshot the tile was read under (``pg_visible_in_snapshot``).

A reader holds a shared "store" lock of the layer while it checks and stores; a writer
waits for those (taking the store lock exclusively and dropping it at once) before it
deletes, so a tile stored just before a write is deleted by it. Readers share the store
lock, so concurrent readers never keep each other's tiles out. A tile that may not be kept
is still served.

A store alone in its transaction (a request's, in autocommit) commits asynchronously
(``ASYNC_COMMIT``): PostgreSQL answers before the commit's WAL is on disk, which took two
thirds of the store's time (4.9 against 1.7 ms at p50, measured under load). A crash may
lose only the last fraction of a second of stored tiles, never corrupt the table nor
reorder commits: WAL is flushed in order, so a writer's (synchronous) commit that deletes
tiles makes every earlier store durable with it, and a lost tile is simply computed again.
Visibility and the locks are as before (they end at commit, not at the flush). Only
derived, recomputable rows may be stored this way: nothing else in the app commits
asynchronously.
"""

from django.db import connection
from psycopg import sql

from tiles.mvt import BUFFER, EXTENT, tile_width
from tiles.sql import load_sql

# For the store's own transaction only (SET LOCAL): a session-wide SET would make every
# later write of the session asynchronous.
ASYNC_COMMIT = "SET LOCAL synchronous_commit = off"


def cached(key: str, z: int, x: int, y: int) -> tuple[bytes, str] | None:
    """The stored (gzip data, etag) of a tile, or None."""
    with connection.cursor() as cursor:
        cursor.execute(load_sql("cache_read"), {"key": key, "z": z, "x": x, "y": y})
        row = cursor.fetchone()
    return (bytes(row[0]), row[1]) if row else None


def _as_text(statement: sql.Composable | None) -> sql.Literal:
    """A tile statement as the text ``tiles_read_or_make`` EXECUTEs on a miss (quoted by
    the connection's own rules: an imported layer's property names come from its file),
    or NULL: nothing to make."""
    if statement is None:
        return sql.Literal(None)
    connection.ensure_connection()
    return sql.Literal(statement.as_string(connection.connection))


def read_or_make_sql(key: str, z: int, x: int, y: int, make: sql.Composable) -> sql.Composed:
    """One statement: the stored (data, etag, NULL, NULL) of a tile, or, only when none
    is stored, (NULL, NULL) and the row of ``make`` (the tile and its snapshot), made by
    ``tiles_read_or_make`` (tiles migration 0012): the tile statement is planned only when
    it runs. Composed whole: no parameters."""
    return sql.SQL(load_sql("cache_read_or_make")).format(
        key=sql.Literal(key), z=sql.Literal(z), x=sql.Literal(x), y=sql.Literal(y),
        make=_as_text(make),
    )  # fmt: skip


def read_or_make_imported_sql(
    key: str,
    imported: list[str],
    versions: list[str | None],
    staff: bool,
    z: int,
    x: int,
    y: int,
    make: sql.Composable | None,
) -> sql.Composed:
    """One statement for a tile naming imported layers (tiles/sql/
    cache_read_or_make_imported.sql): the stored tile if the caller may see every one of
    them, else, only when every spec is still at ``versions`` (None: not known), the tile
    made by ``make`` (None: the specs are not all known). Composed whole: no parameters."""
    return sql.SQL(load_sql("cache_read_or_make_imported")).format(
        key=sql.Literal(key),
        slugs=sql.Literal(imported),
        versions=sql.Literal(versions),
        staff=sql.Literal(staff),
        z=sql.Literal(z),
        x=sql.Literal(x),
        y=sql.Literal(y),
        make=_as_text(make),
    )


def store(
    layers: list[str], key: str, z: int, x: int, y: int, data: bytes, etag: str, snapshot: str
) -> bool:
    """Keep a computed tile unless it might already be stale; True when kept."""
    params = {
        "key": key,
        "layers": layers,
        "z": z,
        "x": x,
        "y": y,
        "data": data,
        "etag": etag,
        "snapshot": snapshot,
        "buffer": tile_width(z) * BUFFER / EXTENT,
    }
    # One round trip: the statements in one (implicit) transaction, bound on the client.
    # First the lock: a writer from now on waits for this store. Then the store, under a
    # snapshot taken after the lock, and only if the lock was had (no writer is deleting
    # this layer's tiles right now). Alone in its transaction, the store commits without
    # a WAL flush (see above); inside a caller's transaction it leaves the commit alone.
    statements = [load_sql("cache_lock"), load_sql("cache_store")]
    if not connection.in_atomic_block:
        statements.insert(0, ASYNC_COMMIT)
    with connection.cursor() as cursor:
        cursor.execute(";\n".join(statements), params)
        for _ in statements[1:]:
            cursor.nextset()
        return cursor.rowcount == 1


def clear(layer: str | None = None) -> int:
    """Forget every cached tile (of one layer), here and, when this commits, in the HTTP
    front cache (NOTIFY, tiles/front_purge.py); returns how many were here."""
    with connection.cursor() as cursor:
        if layer is None:
            cursor.execute("DELETE FROM tiles_cachedtile")
            count = cursor.rowcount
            cursor.execute("SELECT tiles_front_forget_all()")
        else:
            cursor.execute(
                "DELETE FROM tiles_cachedtile WHERE layers @> ARRAY[%s]::varchar[]", [layer]
            )
            count = cursor.rowcount
            cursor.execute("SELECT tiles_front_forget_whole(ARRAY[%s]::text[])", [layer])
        return count


def forget_tile(key: str, z: int, x: int, y: int) -> None:
    """Drop one cached tile (to recompute it)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM tiles_cachedtile WHERE layers_key = %s AND z = %s AND x = %s AND y = %s",
            [key, z, x, y],
        )
