-- A tile reader's shared "store" lock of each of the tile's layers, taken for the rest of
-- its transaction; false when a writer holds one exclusively (tiles/cache.py).
SELECT bool_and(pg_try_advisory_xact_lock_shared(hashtext('tiles-store:' || l)))
FROM unnest(%(layers)s::text[]) AS l
