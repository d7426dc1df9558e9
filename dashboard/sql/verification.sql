-- Residents' verification of resolutions and repeats, per group, from the raw rows: each
-- counts in the leaf area of the asked generation that holds the exact point of the item
-- it is about (the resolved item; for a repeat, the item it repeats), by the one
-- point-to-ward rule (resolve_ward.sql on "day"), like every item of measures.sql.
--   confirmed  resolutions made in the period (a verdict's resolved_at in [start, stop))
--              that residents confirmed, none disputed, and that still stand (the item's
--              resolved_at is that resolution);
--   disputed   resolutions made in the period that a resident disputed (the dispute
--              reopened the item: such a resolution is no longer the item's resolved_at);
--   repeats    items created in the period that repeat an earlier resolution.
-- A resolution confirmed and disputed counts as disputed. verification_fast.sql reads the
-- same from the pre-aggregated facts.
-- Parameters: day, start, stop, leaf_ids, group_keys, fallback_key, total_key.
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
points AS (
    SELECT i.id AS key, i.geom FROM feedback_feedbackitem AS i
    WHERE i.id IN (SELECT item_id FROM counted)
),
hits AS ({resolve_ward}),
groups AS (
    SELECT g.area_id, g.group_key
    FROM unnest(%(leaf_ids)s::bigint[], %(group_keys)s::text[]) AS g (area_id, group_key)
),
placed AS (
    SELECT COALESCE(groups.group_key, %(fallback_key)s::text) AS group_key, c.*
    FROM counted AS c
    LEFT JOIN hits ON hits.key = c.item_id
    LEFT JOIN groups ON groups.area_id = hits.area_id
)
SELECT CASE WHEN GROUPING(group_key) = 1 THEN %(total_key)s ELSE group_key END AS group_key,
       count(*) FILTER (WHERE is_confirmed) AS confirmed,
       count(*) FILTER (WHERE is_disputed) AS disputed,
       count(*) FILTER (WHERE is_repeat) AS repeats
FROM placed
GROUP BY GROUPING SETS ((group_key), ())
