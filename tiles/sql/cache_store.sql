-- Keep a computed tile unless it might already be stale (tiles/cache.py): no other session
-- holds a layer's "write" lock in this database (a write in flight; advisory locks of other
-- databases of the cluster share pg_locks), and no write recorded in tiles_tiledirty
-- that touches the tile's buffered envelope is invisible to the snapshot it was read under.
-- The buffer is clipped to the world: beyond ±180° the edge tiles' envelopes wrapped round
-- (1/1/0 became 179°W..1°W, so writes in Asia never forgot it; tiles migration 0007).
INSERT INTO tiles_cachedtile (layers_key, layers, z, x, y, data, etag, envelope, created_at)
SELECT %(key)s, %(layers)s::varchar[], %(z)s, %(x)s, %(y)s, %(data)s, %(etag)s,
       ST_Transform(ST_ClipByBox2D(ST_Expand(ST_TileEnvelope(%(z)s, %(x)s, %(y)s), %(buffer)s),
                           ST_TileEnvelope(0, 0, 0)), 4326), now()
WHERE current_setting('commonmap.tile_locked') = 'true'  -- cache_lock.sql, just before
  AND NOT EXISTS (
      SELECT 1 FROM pg_locks AS k, unnest(%(layers)s::text[]) AS l
      WHERE k.locktype = 'advisory' AND k.granted AND k.pid <> pg_backend_pid()
        AND k.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND k.objsubid = 1
        AND ((k.classid::bigint << 32) | k.objid::bigint) = hashtext('tiles:' || l)::bigint)
  AND NOT EXISTS (
      SELECT 1 FROM tiles_tiledirty AS d
      WHERE d.layer = ANY (%(layers)s::text[])
        AND d.box && ST_Transform(ST_ClipByBox2D(ST_Expand(ST_TileEnvelope(%(z)s, %(x)s, %(y)s), %(buffer)s),
                           ST_TileEnvelope(0, 0, 0)), 4326)
        AND NOT pg_visible_in_snapshot(d.xid::text::xid8, %(snapshot)s::pg_snapshot))
ON CONFLICT (layers_key, z, x, y)
DO UPDATE SET data = EXCLUDED.data, etag = EXCLUDED.etag, envelope = EXCLUDED.envelope,
              created_at = EXCLUDED.created_at
