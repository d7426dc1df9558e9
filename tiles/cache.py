"""The tile cache in PostGIS: read, and store only what cannot be stale.

Triggers (migrations 0002, 0005) delete cached tiles when a layer's rows change. What
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
"""

from django.db import connection, transaction

from tiles.mvt import BUFFER, EXTENT, tile_width

_ENVELOPE = "ST_Transform(ST_Expand(ST_TileEnvelope(%(z)s, %(x)s, %(y)s), %(buffer)s), 4326)"

LOCK_SQL = (
    "SELECT bool_and(pg_try_advisory_xact_lock_shared(hashtext('tiles-store:' || l))) "
    "FROM unnest(%(layers)s::text[]) AS l"
)

STORE_SQL = f"""
INSERT INTO tiles_cachedtile (layers_key, layers, z, x, y, data, etag, envelope, created_at)
SELECT %(key)s, %(layers)s::varchar[], %(z)s, %(x)s, %(y)s, %(data)s, %(etag)s,
       {_ENVELOPE}, now()
WHERE NOT EXISTS (
      SELECT 1 FROM pg_locks AS k, unnest(%(layers)s::text[]) AS l
      WHERE k.locktype = 'advisory' AND k.granted AND k.pid <> pg_backend_pid()
        AND k.objsubid = 1
        AND ((k.classid::bigint << 32) | k.objid::bigint) = hashtext('tiles:' || l)::bigint)
  AND NOT EXISTS (
      SELECT 1 FROM tiles_tiledirty AS d
      WHERE d.layer = ANY (%(layers)s::text[])
        AND d.box && {_ENVELOPE}
        AND NOT pg_visible_in_snapshot(d.xid::text::xid8, %(snapshot)s::pg_snapshot))
ON CONFLICT (layers_key, z, x, y)
DO UPDATE SET data = EXCLUDED.data, etag = EXCLUDED.etag, envelope = EXCLUDED.envelope,
              created_at = EXCLUDED.created_at
"""


def cached(key: str, z: int, x: int, y: int) -> tuple[bytes, str] | None:
    """The stored (gzip data, etag) of a tile, or None."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT data, etag FROM tiles_cachedtile "
            "WHERE layers_key = %s AND z = %s AND x = %s AND y = %s",
            [key, z, x, y],
        )
        row = cursor.fetchone()
    return (bytes(row[0]), row[1]) if row else None


def cached_visible(
    key: str, imported: list[str], staff: bool, z: int, x: int, y: int
) -> tuple[bytes, str] | None:
    """The stored tile, only if every imported layer in it exists, is not hidden, and is
    public or ``staff`` may see staff-only layers: one query for a warm tile."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT data, etag FROM tiles_cachedtile "
            "WHERE layers_key = %(key)s AND z = %(z)s AND x = %(x)s AND y = %(y)s "
            "AND (SELECT count(*) FROM layers_layer AS l WHERE l.slug = ANY (%(imported)s) "
            "AND NOT l.is_hidden AND (l.is_public OR %(staff)s)) "
            "= cardinality(%(imported)s::text[])",
            {"key": key, "imported": imported, "staff": staff, "z": z, "x": x, "y": y},
        )
        row = cursor.fetchone()
    return (bytes(row[0]), row[1]) if row else None


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
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(LOCK_SQL, params)  # first: a writer from now on waits for this store
        if not cursor.fetchone()[0]:
            return False  # a writer is deleting this layer's tiles right now
        cursor.execute(STORE_SQL, params)
        return cursor.rowcount == 1


def clear(layer: str | None = None) -> int:
    """Forget every cached tile (of one layer); returns how many."""
    with connection.cursor() as cursor:
        if layer is None:
            cursor.execute("DELETE FROM tiles_cachedtile")
        else:
            cursor.execute(
                "DELETE FROM tiles_cachedtile WHERE layers @> ARRAY[%s]::varchar[]", [layer]
            )
        return cursor.rowcount


def forget_tile(key: str, z: int, x: int, y: int) -> None:
    """Drop one cached tile (to recompute it)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM tiles_cachedtile WHERE layers_key = %s AND z = %s AND x = %s AND y = %s",
            [key, z, x, y],
        )
