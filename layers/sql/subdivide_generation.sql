-- Cut every area of one generation into pieces of at most 128 vertices, so that a
-- point-in-polygon test touches a few hundred vertices instead of a whole coastline.
-- Parameters: generation_id, max_vertices.
INSERT INTO layers_areasubdivision (area_id, generation_id, level_rank, code, geom)
SELECT a.id,
       a.generation_id,
       CASE a.level WHEN 'province' THEN 1 WHEN 'district' THEN 2 ELSE 3 END,
       a.code,
       ST_Subdivide(a.geom, %(max_vertices)s)
FROM layers_administrativearea AS a
WHERE a.generation_id = %(generation_id)s
