-- The feedback measures of one period, per group (a ward, a former district, a former
-- province, the city), counting every item in the leaf area of the asked generation that
-- holds its exact point by the one point-to-ward rule (resolve_ward.sql, on "day").
-- Leaf areas map to groups through the arrays leaf_ids/group_keys; an item outside every
-- leaf (or whose leaf is not mapped) goes to fallback_key (NULL: "outside every ward").
-- Period: start <= t < stop. "cutoff" (the period's end, or now) is when the status is
-- read for open/overdue: the last event before it (no event yet: received). An item
-- waiting for the resident then (awaiting_info: its deadline's clock paused) is open but
-- never overdue (feedback.deadlines).
-- Percentiles are continuous (linear interpolation), of hours from creation to resolution.
-- Parameters: day, start, stop, cutoff (timestamptz), leaf_ids (bigint[]),
-- group_keys (text[]), fallback_key (text), open_statuses (text[]), total_key (text: the
-- key of the row over all items, the city total).
WITH points AS (
    SELECT i.id AS key, i.geom FROM feedback_feedbackitem AS i WHERE i.created_at < %(stop)s
),
hits AS ({resolve_ward}),
groups AS (
    SELECT g.area_id, g.group_key
    FROM unnest(%(leaf_ids)s::bigint[], %(group_keys)s::text[]) AS g (area_id, group_key)
),
items AS (
    SELECT COALESCE(groups.group_key, %(fallback_key)s::text) AS group_key,
           i.created_at, i.resolved_at, i.deadline_at, i.rating, i.rated_at,
           COALESCE(state.to_status, 'received') = ANY (%(open_statuses)s::text[]) AS is_open,
           COALESCE(state.to_status = 'awaiting_info', false) AS is_paused,
           EXISTS (
               SELECT 1 FROM feedback_feedbackevent AS r
               WHERE r.item_id = i.id AND r.from_status = 'resolved'
                 AND r.to_status = 'in_progress' AND r.at >= %(start)s AND r.at < %(stop)s
           ) AS reopened
    FROM feedback_feedbackitem AS i
    LEFT JOIN hits ON hits.key = i.id
    LEFT JOIN groups ON groups.area_id = hits.area_id
    LEFT JOIN LATERAL (
        SELECT e.to_status FROM feedback_feedbackevent AS e
        WHERE e.item_id = i.id AND e.at < %(cutoff)s
        ORDER BY e.at DESC, e.id DESC
        LIMIT 1
    ) AS state ON true
    WHERE i.created_at < %(stop)s
),
marked AS (
    SELECT items.*,
           created_at >= %(start)s AS is_received,
           resolved_at >= %(start)s AND resolved_at < %(stop)s AS is_resolved,
           rated_at >= %(start)s AND rated_at < %(stop)s AND rating IS NOT NULL AS is_rated,
           EXTRACT(EPOCH FROM resolved_at - created_at) / 3600.0 AS hours
    FROM items
)
SELECT CASE WHEN GROUPING(group_key) = 1 THEN %(total_key)s ELSE group_key END AS group_key,
       count(*) FILTER (WHERE is_received) AS received,
       count(*) FILTER (WHERE is_resolved) AS resolved,
       count(*) FILTER (WHERE is_resolved AND resolved_at <= deadline_at) AS resolved_on_time,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY hours) FILTER (WHERE is_resolved)
           AS median_hours,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY hours) FILTER (WHERE is_resolved)
           AS p90_hours,
       count(*) FILTER (WHERE is_open AND created_at < %(cutoff)s) AS open_now,
       count(*) FILTER (WHERE is_open AND NOT is_paused AND created_at < %(cutoff)s
                          AND deadline_at < %(cutoff)s) AS overdue_now,
       count(*) FILTER (WHERE reopened) AS reopened,
       count(*) FILTER (WHERE is_rated) AS ratings,
       avg(rating) FILTER (WHERE is_rated)::float8 AS mean_rating
FROM marked
GROUP BY GROUPING SETS ((group_key), ())
