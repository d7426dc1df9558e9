-- The feedback measures of one period, per group, read from the pre-aggregated facts
-- (facts_table.sql) of the asked generation: the same measures, groups and parameters as
-- measures.sql, without the ward rule or the event log. Only the facts that can count are
-- read, each through its index: created, resolved, rated or reopened in the period, or
-- open at the cutoff.
-- Parameters: generation_id, start, stop, cutoff, leaf_ids, group_keys, fallback_key,
-- total_key.
WITH groups AS (
    SELECT g.area_id, g.group_key
    FROM unnest(%(leaf_ids)s::bigint[], %(group_keys)s::text[]) AS g (area_id, group_key)
),
facts AS (
    SELECT f.*
    FROM dashboard_itemfact AS f
    WHERE f.generation_id = %(generation_id)s
      AND f.created_at < %(stop)s
      AND ((f.created_at >= %(start)s)
           OR (f.resolved_at >= %(start)s AND f.resolved_at < %(stop)s)
           OR (f.rated_at >= %(start)s AND f.rated_at < %(stop)s)
           OR (f.reopens && tstzrange(%(start)s, %(stop)s, '[)'))
           OR (f.open_spans @> %(cutoff)s::timestamptz))
),
marked AS (
    SELECT COALESCE(groups.group_key, %(fallback_key)s::text) AS group_key,
           f.created_at, f.resolved_at, f.deadline_at, f.rating,
           f.open_spans @> %(cutoff)s::timestamptz AS is_open,
           COALESCE(f.reopens && tstzrange(%(start)s, %(stop)s, '[)'), false) AS reopened,
           f.created_at >= %(start)s AS is_received,
           f.resolved_at >= %(start)s AND f.resolved_at < %(stop)s AS is_resolved,
           f.rated_at >= %(start)s AND f.rated_at < %(stop)s AND f.rating IS NOT NULL
               AS is_rated,
           EXTRACT(EPOCH FROM f.resolved_at - f.created_at) / 3600.0 AS hours
    FROM facts AS f
    LEFT JOIN groups ON groups.area_id = f.area_id
)
SELECT CASE WHEN GROUPING(group_key) = 1 THEN %(total_key)s ELSE group_key END AS group_key,
       count(*) FILTER (WHERE is_received) AS received,
       count(*) FILTER (WHERE is_resolved) AS resolved,
       count(*) FILTER (WHERE is_resolved AND resolved_at <= deadline_at) AS resolved_on_time,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY hours) FILTER (WHERE is_resolved)
           AS median_hours,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY hours) FILTER (WHERE is_resolved)
           AS p90_hours,
       count(*) FILTER (WHERE is_open) AS open_now,
       count(*) FILTER (WHERE is_open AND deadline_at < %(cutoff)s) AS overdue_now,
       count(*) FILTER (WHERE reopened) AS reopened,
       count(*) FILTER (WHERE is_rated) AS ratings,
       avg(rating) FILTER (WHERE is_rated)::float8 AS mean_rating
FROM marked
GROUP BY GROUPING SETS ((group_key), ())
