"""Concurrent readers no longer keep each other's tiles out of the cache.

Readers used to take the layer's lock exclusively (pg_try_advisory_xact_lock) to store a
tile, so two readers storing tiles of one layer at once lost one of them. Now a reader
takes a shared "store" lock and checks that no other session holds the writers' lock;
a writer waits for the stores in flight (exclusive "store" lock, taken and dropped at
once) before it deletes cached tiles. See tiles/cache.py.
"""

from django.db import migrations

FORGET_V2 = r"""
CREATE OR REPLACE FUNCTION tiles_forget(layer_names text[], boxes geometry[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    n int := coalesce(array_length(layer_names, 1), 0);
BEGIN
    IF n = 0 THEN
        RETURN;
    END IF;
    -- Writers hold a shared "write" lock per layer until they commit; a reader stores a
    -- tile only if nobody else holds it (tiles/cache.py). Readers hold a shared "store"
    -- lock while they store: taking and dropping it exclusively waits for the stores in
    -- flight, so the DELETE below sees every tile stored before this write was visible.
    PERFORM pg_advisory_xact_lock_shared(hashtext('tiles:' || l)),
            pg_advisory_lock(hashtext('tiles-store:' || l)),
            pg_advisory_unlock(hashtext('tiles-store:' || l))
    FROM (SELECT DISTINCT unnest(layer_names) AS l ORDER BY 1) AS s;
    WITH items AS (
        SELECT u.l, ST_Envelope(u.b) AS b
        FROM unnest(layer_names, boxes) AS u (l, b)
        WHERE u.b IS NOT NULL AND NOT ST_IsEmpty(u.b)
    ),
    boxed AS (
        SELECT l, b FROM items WHERE n <= 1000
        UNION ALL
        SELECT l, ST_SetSRID(ST_Extent(b)::geometry, 4326) FROM items WHERE n > 1000 GROUP BY l
    ),
    gone AS (
        DELETE FROM tiles_cachedtile AS c
        USING boxed
        WHERE c.layers @> ARRAY[boxed.l]::varchar[] AND c.envelope && boxed.b
    )
    INSERT INTO tiles_tiledirty (layer, box, xid, created_at)
    SELECT l, b, pg_current_xact_id()::text::bigint, now() FROM boxed;
    DELETE FROM tiles_tiledirty WHERE created_at < now() - interval '15 minutes';
END
$$;

"""


class Migration(migrations.Migration):
    dependencies = [("tiles", "0004_triggers_only_on_real_changes")]

    operations = [migrations.RunSQL(FORGET_V2, migrations.RunSQL.noop)]
