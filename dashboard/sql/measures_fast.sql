-- The feedback measures of one period, per group, read from the pre-aggregated facts
-- (facts_table.sql) of the asked generation: the same measures, groups and parameters as
-- measures.sql, without the ward rule or the event log. Only the facts that can count are
-- read, each through its index: created, resolved, rated or reopened in the period. Open
-- and overdue items at the cutoff are not read one by one: their counts per area are the
-- sums of the open deltas (open_deltas.sql) before the cutoff, which already leave out the
-- time an item waited for the resident (awaiting_info: never overdue then); they join the
-- rows below as weights.
-- Parameters: generation_id, start, stop, cutoff, leaf_ids, group_keys, fallback_key,
-- total_key, time_zone, recent_cutoff (true when the cutoff is at most a day old, so the
-- recent deltas hold its day).
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
           OR (f.reopens && tstzrange(%(start)s, %(stop)s, '[)')))
),
cutoff_day AS (
    SELECT (%(cutoff)s::timestamptz AT TIME ZONE %(time_zone)s)::date AS day
),
open_counts AS (
    SELECT deltas.area_id, sum(deltas.open_delta) AS open_now,
           sum(deltas.overdue_delta) AS overdue_now
    FROM (
        SELECT d.area_id, d.open_delta, d.overdue_delta
        FROM dashboard_opendelta AS d, cutoff_day
        WHERE d.generation_id = %(generation_id)s AND d.day < cutoff_day.day
        UNION ALL
        SELECT r.area_id, r.open_delta, r.overdue_delta
        FROM dashboard_opendelta_recent AS r, cutoff_day
        WHERE %(recent_cutoff)s AND r.generation_id = %(generation_id)s
          AND r.at >= (cutoff_day.day::timestamp AT TIME ZONE %(time_zone)s)
          AND r.at < %(cutoff)s
        UNION ALL
        -- A cutoff inside a day the recent deltas no longer cover (not a period's end, not
        -- now: only asked for by code): that day's deltas from the facts themselves.
        SELECT COALESCE(f.area_id, 0), d.open_delta, d.overdue_delta
        FROM dashboard_itemfact AS f
        CROSS JOIN cutoff_day
        CROSS JOIN LATERAL dashboard_span_deltas(f.open_spans, f.paused_spans, f.deadline_at)
            AS d
        WHERE NOT %(recent_cutoff)s AND f.generation_id = %(generation_id)s
          AND f.created_at < %(cutoff)s
          AND d.at >= (cutoff_day.day::timestamp AT TIME ZONE %(time_zone)s)
          AND d.at < %(cutoff)s
    ) AS deltas
    GROUP BY deltas.area_id
    HAVING sum(deltas.open_delta) <> 0 OR sum(deltas.overdue_delta) <> 0
),
marked AS (
    SELECT COALESCE(groups.group_key, %(fallback_key)s::text) AS group_key,
           f.created_at, f.resolved_at, f.deadline_at, f.rating,
           0 AS open_weight, 0 AS overdue_weight,
           COALESCE(f.reopens && tstzrange(%(start)s, %(stop)s, '[)'), false) AS reopened,
           f.created_at >= %(start)s AS is_received,
           COALESCE(f.resolved_at >= %(start)s AND f.resolved_at < %(stop)s, false)
               AS is_resolved,
           COALESCE(f.rated_at >= %(start)s AND f.rated_at < %(stop)s
                    AND f.rating IS NOT NULL, false) AS is_rated,
           EXTRACT(EPOCH FROM f.resolved_at - f.created_at) / 3600.0 AS hours
    FROM facts AS f
    LEFT JOIN groups ON groups.area_id = f.area_id
    UNION ALL
    SELECT COALESCE(groups.group_key, %(fallback_key)s::text), NULL, NULL, NULL, NULL,
           o.open_now, o.overdue_now, false, false, false, false, NULL
    FROM open_counts AS o
    LEFT JOIN groups ON groups.area_id = NULLIF(o.area_id, 0)
)
SELECT CASE WHEN GROUPING(group_key) = 1 THEN %(total_key)s ELSE group_key END AS group_key,
       count(*) FILTER (WHERE is_received) AS received,
       count(*) FILTER (WHERE is_resolved) AS resolved,
       count(*) FILTER (WHERE is_resolved AND resolved_at <= deadline_at) AS resolved_on_time,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY hours) FILTER (WHERE is_resolved)
           AS median_hours,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY hours) FILTER (WHERE is_resolved)
           AS p90_hours,
       COALESCE(sum(open_weight), 0)::bigint AS open_now,
       COALESCE(sum(overdue_weight), 0)::bigint AS overdue_now,
       count(*) FILTER (WHERE reopened) AS reopened,
       count(*) FILTER (WHERE is_rated) AS ratings,
       avg(rating) FILTER (WHERE is_rated)::float8 AS mean_rating
FROM marked
GROUP BY GROUPING SETS ((group_key), ())
