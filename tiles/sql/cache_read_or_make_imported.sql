-- A tile naming imported layers (tiles/services.py), in one statement: whether the caller
-- may see every one of them (the rule of layers/layer_specs.py), the stored tile, and only when
-- none is stored and the specs the process built the tile statement from are current, the
-- tile made. One row comes back, (outcome, bytea, text, staff_only):
--   'hit'    data, etag      the stored tile
--   'made'   mvt, snapshot   the tile made ({make}: mvt_tile.sql, as text)
--   'hidden' NULL, NULL      a layer is missing, hidden, or staff-only to a non-staff caller
--   'stale'  NULL, NULL      a layer's row is not the one its spec was built from
-- A spec's version is the md5 of its whole row (imported_layer_versions.sql): any change to
-- the row (hiding, publishing, schema, clusters) changes it, even one made earlier in the
-- same transaction, which keeps xmin. The lookup and the making are tiles_read_or_make's
-- (tiles migration 0012), called only for a caller who may see the layers (a one-time
-- filter) and given the tile statement only when every spec is current: the statement is
-- planned only when it runs.
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
    FROM _layers)
SELECT CASE WHEN NOT c.visible THEN 'hidden'
            WHEN r.snapshot IS NOT NULL THEN 'made'
            WHEN r.etag IS NOT NULL THEN 'hit'
            ELSE 'stale' END,
       coalesce(r.mvt, r.data), coalesce(r.snapshot, r.etag), c.staff_only
FROM _check AS c
LEFT JOIN LATERAL (
    SELECT * FROM tiles_read_or_make({key}, {z}, {x}, {y},
                                     CASE WHEN c.current THEN {make} END)
    WHERE c.visible) AS r ON true
