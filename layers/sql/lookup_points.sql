-- For each input point, in input order: the deepest area that covers it (ward, else
-- district, else province) in the boundary generation valid on the given day, with its
-- parent and grandparent. One statement for the whole batch: one round trip.
-- A point exactly on a shared border is covered by both wards: the lower code wins,
-- so the answer never depends on row order or on the plan.
-- No row at all means no generation is valid on that day.
-- Parameters: lons, lats (float8 arrays of equal length), day (date).
WITH gen AS (
    SELECT id, slug, name, valid_from, valid_to
    FROM layers_boundarygeneration
    WHERE valid_from <= %(day)s AND (valid_to IS NULL OR valid_to >= %(day)s)
),
pts AS (
    SELECT t.ord, ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326) AS geom
    FROM unnest(%(lons)s::float8[], %(lats)s::float8[]) WITH ORDINALITY AS t (lon, lat, ord)
)
SELECT gen.slug, gen.name, gen.valid_from, gen.valid_to,
       a.code, a.name, a.level, a.area_type,
       p.code, p.name, p.level, p.area_type,
       g.code, g.name, g.level, g.area_type
FROM gen
CROSS JOIN pts
LEFT JOIN LATERAL (
    SELECT s.area_id
    FROM layers_areasubdivision AS s
    WHERE s.generation_id = gen.id
      AND ST_Intersects(s.geom, pts.geom)
    ORDER BY s.level_rank DESC, s.code
    LIMIT 1
) AS hit ON true
LEFT JOIN layers_administrativearea AS a ON a.id = hit.area_id
LEFT JOIN layers_administrativearea AS p ON p.id = a.parent_id
LEFT JOIN layers_administrativearea AS g ON g.id = p.parent_id
ORDER BY pts.ord
