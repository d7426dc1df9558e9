-- The one point-to-ward rule, included by every statement that needs a point's ward
-- (through layers.wards.with_ward_rule, at its resolve_ward placeholder).
-- It reads the relation "points" (key, geom in EPSG:4326) that the including statement
-- defines as a CTE, and answers, for each point: the boundary generation valid on the
-- given day (valid_from <= day AND (valid_to IS NULL OR valid_to >= day)) and the deepest
-- of its areas that covers the point (ward, else district, else province), with its
-- level rank (3 for a ward). A generation loaded early, valid from a later day, is not
-- chosen before that day. The subdivided pieces (ST_Subdivide) hold the same polygons,
-- so each test touches few vertices. A point exactly on a shared border is covered by
-- both wards: the lower code wins, so the answer never depends on row order or on the plan.
-- A point outside every area has a row with a NULL area; no row at all means no
-- generation is valid on that day.
-- Parameters: day (date).
SELECT pts.key, gen.id AS generation_id, hit.area_id, hit.level_rank
FROM layers_boundarygeneration AS gen
CROSS JOIN points AS pts
LEFT JOIN LATERAL (
    SELECT s.area_id, s.level_rank
    FROM layers_areasubdivision AS s
    WHERE s.generation_id = gen.id
      AND ST_Covers(s.geom, pts.geom)
    ORDER BY s.level_rank DESC, s.code
    LIMIT 1
) AS hit ON true
WHERE gen.valid_from <= %(day)s AND (gen.valid_to IS NULL OR gen.valid_to >= %(day)s)
