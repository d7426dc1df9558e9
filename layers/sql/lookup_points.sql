-- For each input point, in input order: the deepest area that covers it (ward, else
-- district, else province) in the boundary generation valid on the given day, by the one
-- rule (resolve_ward.sql), with its parent and grandparent. One statement for the whole
-- batch: one round trip. No row at all means no generation is valid on that day.
-- Parameters: lons, lats (float8 arrays of equal length), day (date).
WITH points AS (
    SELECT t.ord AS key, ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326) AS geom
    FROM unnest(%(lons)s::float8[], %(lats)s::float8[]) WITH ORDINALITY AS t (lon, lat, ord)
),
hits AS ({resolve_ward})
SELECT gen.slug, gen.name, gen.valid_from, gen.valid_to,
       a.code, a.name, a.level, a.area_type,
       p.code, p.name, p.level, p.area_type,
       g.code, g.name, g.level, g.area_type
FROM hits
JOIN layers_boundarygeneration AS gen ON gen.id = hits.generation_id
LEFT JOIN layers_administrativearea AS a ON a.id = hits.area_id
LEFT JOIN layers_administrativearea AS p ON p.id = a.parent_id
LEFT JOIN layers_administrativearea AS g ON g.id = p.parent_id
ORDER BY hits.key
