-- The resolutions of a month, quarter or year per group and hours bucket, summed from the
-- per-month resolutions (day_flows.sql), and the resolutions dated before their item's
-- creation (bucket -1) read from the facts: dashboard/percentiles.py finds from them in
-- which bucket each percentile's ranks lie. Only items created before "stop" count (as in
-- measures.sql); a resolution not before its item's creation and in the period always is.
-- Parameters: generation_id, first_day, stop_day (month starts), start, stop, leaf_ids,
-- group_keys, fallback_key.
WITH groups AS (
    SELECT g.area_id, g.group_key
    FROM unnest(%(leaf_ids)s::bigint[], %(group_keys)s::text[]) AS g (area_id, group_key)
),
buckets AS (
    SELECT NULLIF(h.area_id, 0) AS area_id, h.bucket, h.resolved, h.on_time
    FROM dashboard_resolutionflow AS h
    WHERE h.generation_id = %(generation_id)s
      AND h.month >= %(first_day)s AND h.month < %(stop_day)s
    UNION ALL
    SELECT f.area_id, -1, 1, (f.resolved_at <= f.deadline_at)::int
    FROM dashboard_itemfact AS f
    WHERE f.generation_id = %(generation_id)s
      AND dashboard_hour_bucket(f.resolved_at, f.created_at) = -1
      AND f.resolved_at >= %(start)s AND f.resolved_at < %(stop)s
      AND f.created_at < %(stop)s
)
SELECT COALESCE(groups.group_key, %(fallback_key)s::text) AS group_key, b.bucket,
       sum(b.resolved) AS resolved, sum(b.on_time) AS on_time
FROM buckets AS b
LEFT JOIN groups ON groups.area_id = b.area_id
GROUP BY 1, 2
HAVING sum(b.resolved) <> 0
ORDER BY 1, 2
