-- Put each facility in the ward that holds its point on the given day, by the one rule
-- (resolve_ward.sql: the generation valid that day, on a shared border the lower code);
-- outside every ward, no ward. A generation loaded ahead of its date moves nothing.
-- Only rows whose ward actually changes are written: a second run writes nothing.
-- Parameters: facility_ids (bigint array, NULL for every facility), day (date),
-- ward_rank (smallint).
WITH points AS (
    SELECT f.id AS key, f.geom
    FROM layers_facility AS f
    WHERE %(facility_ids)s::bigint[] IS NULL OR f.id = ANY (%(facility_ids)s::bigint[])
),
hits AS ({resolve_ward}),
target AS (
    SELECT p.key AS id,
           CASE WHEN h.level_rank = %(ward_rank)s THEN h.area_id END AS ward_id
    FROM points AS p
    LEFT JOIN hits AS h ON h.key = p.key
)
UPDATE layers_facility AS f
SET ward_id = target.ward_id,
    updated_at = now()
FROM target
WHERE f.id = target.id
  AND f.ward_id IS DISTINCT FROM target.ward_id
