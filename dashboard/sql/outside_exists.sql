-- Whether the asked generation's facts hold an item created before "stop" that no group
-- takes (outside every area, or in an area that is not a mapped leaf): measures.sql then
-- has a row for "outside every ward" even when none of those items counts in the period,
-- and so must the fast path. Index probes only: one for the NULL area, one per unmapped
-- area (a few hundred at most).
-- Parameters: generation_id, stop, leaf_ids.
SELECT EXISTS (
    SELECT 1 FROM dashboard_itemfact AS f
    WHERE f.generation_id = %(generation_id)s AND f.area_id IS NULL
      AND f.created_at < %(stop)s
) OR EXISTS (
    SELECT 1 FROM layers_administrativearea AS a
    WHERE a.id <> ALL (%(leaf_ids)s::bigint[])
      AND EXISTS (
          SELECT 1 FROM dashboard_itemfact AS f
          WHERE f.generation_id = %(generation_id)s AND f.area_id = a.id
            AND f.created_at < %(stop)s
      )
)
