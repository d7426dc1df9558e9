-- Put each facility in the ward of the current boundary generation (valid_to IS NULL)
-- whose polygon covers its point; outside every ward, no ward. The subdivided pieces
-- hold the same polygons (ST_Subdivide), so each test touches few vertices. A point
-- exactly on a shared border is covered by both wards: the lower code wins, as in the
-- point lookup, so the answer never depends on row order or on the plan.
-- Only rows whose ward actually changes are written: a second run writes nothing.
-- Parameters: facility_ids (bigint array, NULL for every facility), ward_rank (smallint).
WITH target AS (
    SELECT f.id,
           (SELECT s.area_id
            FROM layers_areasubdivision AS s
            JOIN layers_boundarygeneration AS g ON g.id = s.generation_id
            WHERE g.valid_to IS NULL
              AND s.level_rank = %(ward_rank)s
              AND ST_Covers(s.geom, f.geom)
            ORDER BY s.code
            LIMIT 1) AS ward_id
    FROM layers_facility AS f
    WHERE %(facility_ids)s::bigint[] IS NULL OR f.id = ANY (%(facility_ids)s::bigint[])
)
UPDATE layers_facility AS f
SET ward_id = target.ward_id,
    updated_at = now()
FROM target
WHERE f.id = target.id
  AND f.ward_id IS DISTINCT FROM target.ward_id
