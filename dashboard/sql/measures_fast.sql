-- The feedback measures of one period, per group, read from the pre-aggregated facts
-- (facts_table.sql) of the asked generation: the same measures, groups and parameters as
-- measures.sql, without the ward rule or the event log. Nothing is read item by item
-- unless the measure needs the items themselves:
--   received, ratings, mean rating   summed from the day flows (day_flows.sql) of the
--           period's local days (a period is whole local days), less the ratings dated
--           before their item's creation whose item came after the period (the raw
--           definition counts only items created before "stop"; none through the workflow);
--   resolved, on time, median and p90 hours   for a month, a quarter or a year, not here:
--           dashboard/percentiles.py (per-month buckets, exact percentiles); for another
--           span, the resolutions of the period from the covering index
--           dashboard_itemfact_resolved_cover alone;
--   reopened   summed from the day flows' first reopenings of the month, quarter or year
--           (an item reopened twice counts once); for another span, the facts reopened in
--           it, through their GiST index;
--   open now, overdue now   the sums of the open deltas (open_deltas.sql) before the
--           cutoff, which already leave out the time an item waited for the resident
--           (awaiting_info: never overdue then).
-- Parameters: generation_id, start, stop, first_day, stop_day, cutoff, leaf_ids,
-- group_keys, fallback_key, total_key, time_zone, recent_cutoff (true when the cutoff is
-- at most a day old, so the recent deltas hold its day), cutoff_inside_day (false when the
-- cutoff is a local midnight: no deltas of its own day count), whole_days (start and stop
-- are local midnights), period_kind ('month', 'quarter', 'year' or NULL).
WITH groups AS (
    SELECT g.area_id, g.group_key
    FROM unnest(%(leaf_ids)s::bigint[], %(group_keys)s::text[]) AS g (area_id, group_key)
),
flows AS (
    SELECT NULLIF(fl.area_id, 0) AS area_id, sum(fl.received) AS received,
           sum(fl.ratings) AS ratings, sum(fl.rating_sum) AS rating_sum,
           sum(CASE %(period_kind)s::text WHEN 'month' THEN fl.reopened_month
                   WHEN 'quarter' THEN fl.reopened_quarter
                   WHEN 'year' THEN fl.reopened_year ELSE 0 END) AS reopened
    FROM dashboard_dayflow AS fl
    WHERE %(whole_days)s AND fl.generation_id = %(generation_id)s
      AND fl.day >= %(first_day)s AND fl.day < %(stop_day)s
    GROUP BY fl.area_id
    HAVING sum(fl.received) <> 0 OR sum(fl.ratings) <> 0
        OR sum(CASE %(period_kind)s::text WHEN 'month' THEN fl.reopened_month
                   WHEN 'quarter' THEN fl.reopened_quarter
                   WHEN 'year' THEN fl.reopened_year ELSE 0 END) <> 0
    UNION ALL
    -- Taken back: rated in the period but dated before their item, created after it.
    SELECT f.area_id, 0, -count(*), -sum(f.rating), 0
    FROM dashboard_itemfact AS f
    WHERE %(whole_days)s AND f.generation_id = %(generation_id)s
      AND f.rated_at < f.created_at AND f.rating IS NOT NULL
      AND f.rated_at >= %(start)s AND f.rated_at < %(stop)s AND f.created_at >= %(stop)s
    GROUP BY f.area_id
    UNION ALL
    -- Taken back: reopened in the period but dated before their item, created after it.
    SELECT f.area_id, 0, 0, 0, -count(*)
    FROM dashboard_itemfact AS f
    WHERE %(period_kind)s::text IS NOT NULL AND f.generation_id = %(generation_id)s
      AND lower(f.reopens) < f.created_at AND f.created_at >= %(stop)s
      AND f.reopens && tstzrange(%(start)s, %(stop)s, '[)')
    GROUP BY f.area_id
    UNION ALL
    -- A period that is not whole local days (asked for by code only): from the facts.
    SELECT f.area_id,
           count(*) FILTER (WHERE f.created_at >= %(start)s),
           count(*) FILTER (WHERE f.rated_at >= %(start)s AND f.rated_at < %(stop)s
                              AND f.rating IS NOT NULL),
           COALESCE(sum(f.rating) FILTER (WHERE f.rated_at >= %(start)s
                                            AND f.rated_at < %(stop)s), 0),
           0
    FROM dashboard_itemfact AS f
    WHERE NOT %(whole_days)s AND f.generation_id = %(generation_id)s
      AND f.created_at < %(stop)s
      AND (f.created_at >= %(start)s OR (f.rated_at >= %(start)s AND f.rated_at < %(stop)s))
    GROUP BY f.area_id
    UNION ALL
    -- Reopenings of a period that is not a month, a quarter or a year: from the facts.
    SELECT f.area_id, 0, 0, 0, count(*)
    FROM dashboard_itemfact AS f
    WHERE %(period_kind)s::text IS NULL
      AND f.reopens && tstzrange(%(start)s, %(stop)s, '[)')
      AND f.generation_id = %(generation_id)s AND f.created_at < %(stop)s
    GROUP BY f.area_id
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
        WHERE NOT %(recent_cutoff)s AND %(cutoff_inside_day)s
          AND f.generation_id = %(generation_id)s
          AND f.created_at < %(cutoff)s
          AND d.at >= (cutoff_day.day::timestamp AT TIME ZONE %(time_zone)s)
          AND d.at < %(cutoff)s
    ) AS deltas
    GROUP BY deltas.area_id
    HAVING sum(deltas.open_delta) <> 0 OR sum(deltas.overdue_delta) <> 0
),
counts AS (
    SELECT flows.area_id, flows.received, flows.ratings, flows.rating_sum, flows.reopened,
           0 AS open_now, 0 AS overdue_now
    FROM flows
    UNION ALL
    SELECT NULLIF(o.area_id, 0), 0, 0, 0, 0, o.open_now, o.overdue_now FROM open_counts AS o
),
counted AS (
    SELECT CASE WHEN GROUPING(m.group_key) = 1 THEN %(total_key)s ELSE m.group_key END
               AS group_key,
           sum(m.received) AS received, sum(m.open_now) AS open_now,
           sum(m.overdue_now) AS overdue_now, sum(m.reopened) AS reopened,
           sum(m.ratings) AS ratings, sum(m.rating_sum) AS rating_sum
    FROM (
        SELECT COALESCE(groups.group_key, %(fallback_key)s::text) AS group_key, c.*
        FROM counts AS c
        LEFT JOIN groups ON groups.area_id = c.area_id
    ) AS m
    GROUP BY GROUPING SETS ((m.group_key), ())
),
-- The resolutions of a period that is not a month, a quarter or a year (asked for by
-- code only; the others: dashboard/percentiles.py), narrow rows (group, on time, hours)
-- for the exact percentiles. Hours as float8: percentile_cont reads its input so anyway.
resolved AS (
    SELECT CASE WHEN GROUPING(r.group_key) = 1 THEN %(total_key)s ELSE r.group_key END
               AS group_key,
           count(*) AS resolved,
           count(*) FILTER (WHERE r.on_time) AS resolved_on_time,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY r.hours) AS median_hours,
           percentile_cont(0.9) WITHIN GROUP (ORDER BY r.hours) AS p90_hours
    FROM (
        SELECT COALESCE(groups.group_key, %(fallback_key)s::text) AS group_key,
               f.resolved_at <= f.deadline_at AS on_time,
               (EXTRACT(EPOCH FROM f.resolved_at - f.created_at) / 3600.0)::float8 AS hours
        FROM dashboard_itemfact AS f
        LEFT JOIN groups ON groups.area_id = f.area_id
        WHERE %(period_kind)s::text IS NULL AND f.generation_id = %(generation_id)s
          AND f.resolved_at >= %(start)s AND f.resolved_at < %(stop)s
          AND f.created_at < %(stop)s
    ) AS r
    GROUP BY GROUPING SETS ((r.group_key), ())
)
SELECT COALESCE(c.group_key, r.group_key) AS group_key,
       COALESCE(c.received, 0)::bigint AS received,
       COALESCE(r.resolved, 0) AS resolved,
       COALESCE(r.resolved_on_time, 0) AS resolved_on_time,
       r.median_hours, r.p90_hours,
       COALESCE(c.open_now, 0)::bigint AS open_now,
       COALESCE(c.overdue_now, 0)::bigint AS overdue_now,
       COALESCE(c.reopened, 0)::bigint AS reopened,
       COALESCE(c.ratings, 0)::bigint AS ratings,
       (c.rating_sum::numeric / NULLIF(c.ratings, 0))::float8 AS mean_rating
FROM counted AS c
FULL JOIN resolved AS r ON r.group_key = c.group_key
