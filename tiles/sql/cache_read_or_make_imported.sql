-- A tile naming imported layers (tiles/services.py), in one statement: whether the caller
-- may see every one of them (the rule of layers/layer_specs.py), the stored tile, and only when
-- none is stored and the specs the process built the tile statement from are current, the
-- tile made. One row comes back, (outcome, bytea, text, staff_only):
--   'hit'    data, etag      the stored tile
--   'made'   mvt, snapshot   the tile made ({make}: mvt_tile.sql)
--   'hidden' NULL, NULL      a layer is missing, hidden, or staff-only to a non-staff caller
--   'stale'  NULL, NULL      a layer's row is not the one its spec was built from
-- A spec's version is the md5 of its whole row (imported_layer_versions.sql): any change to
-- the row (hiding, publishing, schema, clusters) changes it, even one made earlier in the
-- same transaction, which keeps xmin. The making branch is gated by uncorrelated
-- conditions only (a one-time filter, evaluated first), so it is never executed unless
-- it is wanted, and it reads under the same snapshot as the checks.
WITH _expected AS (
    SELECT * FROM unnest({slugs}::text[], {versions}::text[]) AS e (slug, version)),
_layers AS MATERIALIZED (
    SELECT coalesce(NOT l.is_hidden AND (l.is_public OR {staff}), false) AS visible,
           coalesce(md5(l::text) = e.version, false) AS current,
           coalesce(NOT l.is_public, false) AS staff_only
    FROM _expected AS e LEFT JOIN layers_layer AS l ON l.slug = e.slug),
_check AS MATERIALIZED (
    SELECT bool_and(visible) AS visible, bool_and(current) AS current,
           bool_or(staff_only) AS staff_only
    FROM _layers),
_stored AS MATERIALIZED (
    SELECT data, etag FROM tiles_cachedtile
    WHERE layers_key = {key} AND z = {z} AND x = {x} AND y = {y}
      AND (SELECT visible FROM _check))
SELECT 'hit', data, etag, (SELECT staff_only FROM _check) FROM _stored
UNION ALL
SELECT 'made', made.*, (SELECT staff_only FROM _check) FROM ({make}) AS made
WHERE (SELECT visible AND current FROM _check) AND NOT EXISTS (SELECT FROM _stored)
UNION ALL
SELECT CASE WHEN visible THEN 'stale' ELSE 'hidden' END, NULL::bytea, NULL::text, staff_only
FROM _check
WHERE NOT (visible AND current) AND NOT EXISTS (SELECT FROM _stored)
