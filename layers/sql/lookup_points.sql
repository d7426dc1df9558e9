-- The area of each input point, in input order: the deepest area that covers it (ward,
-- else district, else province) in the boundary generation valid on the given day, by
-- the one rule (resolve_ward.sql). One statement for the whole batch, one row back: the
-- generation and the area ids as one array (NULL for a point outside every area), so
-- that 10,000 points cost one round trip and one value to decode, not 10,000 rows of
-- names; the areas themselves are read once each (lookup_areas.sql).
-- No row at all means no generation is valid on that day.
-- Parameters: lons, lats (float8 arrays of equal length, sent as text), day (date).
WITH points AS (
    SELECT t.ord AS key, ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326) AS geom
    FROM unnest(%(lons)s::float8[], %(lats)s::float8[]) WITH ORDINALITY AS t (lon, lat, ord)
),
hits AS ({resolve_ward})
SELECT gen.slug, gen.name, gen.valid_from, gen.valid_to,
       array_agg(hits.area_id ORDER BY hits.key) AS area_ids
FROM hits
JOIN layers_boundarygeneration AS gen ON gen.id = hits.generation_id
GROUP BY gen.id
