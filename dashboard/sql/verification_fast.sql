-- The verification measures of verification.sql (confirmed, disputed, repeats; the same
-- definitions, groups and parameters), each item placed by its pre-aggregated fact of the
-- asked generation (dashboard_itemfact: the same rule on the same day) instead of the rule.
-- Parameters: generation_id, start, stop, leaf_ids, group_keys, fallback_key, total_key.
WITH verdicts AS (
    SELECT v.item_id, bool_or(v.verdict = 'disputed') AS disputed
    FROM feedback_feedbackverification AS v
    JOIN feedback_feedbackitem AS i ON i.id = v.item_id
    WHERE v.resolved_at >= %(start)s AND v.resolved_at < %(stop)s
    GROUP BY v.item_id, v.resolved_at, i.resolved_at
    HAVING bool_or(v.verdict = 'disputed') OR v.resolved_at = i.resolved_at
),
counted AS (
    SELECT item_id, NOT disputed AS is_confirmed, disputed AS is_disputed,
           false AS is_repeat
    FROM verdicts
    UNION ALL
    SELECT r.repeat_of_id, false, false, true
    FROM feedback_feedbackitem AS r
    WHERE r.repeat_of_id IS NOT NULL
      AND r.created_at >= %(start)s AND r.created_at < %(stop)s
),
groups AS (
    SELECT g.area_id, g.group_key
    FROM unnest(%(leaf_ids)s::bigint[], %(group_keys)s::text[]) AS g (area_id, group_key)
),
placed AS (
    SELECT COALESCE(groups.group_key, %(fallback_key)s::text) AS group_key, c.*
    FROM counted AS c
    LEFT JOIN dashboard_itemfact AS f
           ON f.generation_id = %(generation_id)s AND f.item_id = c.item_id
    LEFT JOIN groups ON groups.area_id = f.area_id
)
SELECT CASE WHEN GROUPING(group_key) = 1 THEN %(total_key)s ELSE group_key END AS group_key,
       count(*) FILTER (WHERE is_confirmed) AS confirmed,
       count(*) FILTER (WHERE is_disputed) AS disputed,
       count(*) FILTER (WHERE is_repeat) AS repeats
FROM placed
GROUP BY GROUPING SETS ((group_key), ())
