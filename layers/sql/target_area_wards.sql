-- The wards (of the generation valid on the day) whose interior shares ground with a
-- target area's interior: a ward that only touches the area's border is not one of them.
-- Tested on the subdivided pieces, so each test touches few vertices.
-- Parameters: ewkb (the area, EPSG:4326), day (date), ward_rank (3).
SELECT DISTINCT s.code
FROM layers_areasubdivision AS s
JOIN layers_boundarygeneration AS gen ON gen.id = s.generation_id
WHERE gen.valid_from <= %(day)s AND (gen.valid_to IS NULL OR gen.valid_to >= %(day)s)
  AND s.level_rank = %(ward_rank)s
  AND s.geom && ST_GeomFromEWKB(%(ewkb)s)
  AND ST_Relate(s.geom, ST_GeomFromEWKB(%(ewkb)s), 'T********')
ORDER BY s.code
