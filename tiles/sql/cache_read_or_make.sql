-- A tile of built-in layers from the cache, or made: one statement, one round trip
-- (tiles/services.py). A stored tile comes back as (data, etag, NULL, NULL); the making
-- branch runs only when none is stored (its NOT EXISTS is a one-time filter, evaluated
-- before the branch, which is then never executed) and comes back as
-- (NULL, NULL, mvt, snapshot). {make}: the tile statement (mvt_tile.sql).
WITH _stored AS MATERIALIZED (
    SELECT data, etag FROM tiles_cachedtile
    WHERE layers_key = {key} AND z = {z} AND x = {x} AND y = {y})
SELECT data, etag, NULL::bytea, NULL::text FROM _stored
UNION ALL
SELECT NULL, NULL, made.* FROM ({make}) AS made
WHERE NOT EXISTS (SELECT FROM _stored)
