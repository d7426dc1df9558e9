-- A tile reader's shared "store" lock of each of the tile's layers, taken for the rest of
-- its transaction; the transaction's setting commonmap.tile_locked says whether it got
-- them all ('false' when a writer holds one exclusively), which cache_store.sql, the next
-- statement of the same transaction, reads (tiles/cache.py).
SELECT set_config('commonmap.tile_locked',
                  coalesce(bool_and(pg_try_advisory_xact_lock_shared(hashtext('tiles-store:' || l))),
                           false)::text,
                  true)
FROM unnest(%(layers)s::text[]) AS l
