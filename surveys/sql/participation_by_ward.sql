-- Participation per survey and ward (answer sets), k-suppressed for a public layer: a
-- ward with fewer than {min_cell} answer sets is suppressed, and while the suppressed ones
-- of a survey (answers outside every ward included, never shown) sum to less than k, so
-- is the smallest shown ward, then the next (the survey's total answers are public in its
-- results, so one suppressed ward alone could be read off by subtraction).
-- Columns: survey_id, ward_id (never NULL), n (the true count), suppressed.
WITH counts AS (
    SELECT a.survey_id, a.ward_id, count(*) AS n
    FROM surveys_answerset a
    JOIN surveys_survey s ON s.id = a.survey_id
    WHERE s.status IN ('published', 'closed')
    GROUP BY a.survey_id, a.ward_id
),
marked AS (
    SELECT c.*, (c.ward_id IS NULL OR c.n < {min_cell}) AS primary_hidden
    FROM counts c
),
ranked AS (
    SELECT m.*,
           sum(m.n) FILTER (WHERE m.primary_hidden) OVER (PARTITION BY m.survey_id)
               AS hidden_sum,
           -- the shown wards' counts below this one (smallest first)
           coalesce(sum(m.n) FILTER (WHERE NOT m.primary_hidden) OVER (
               PARTITION BY m.survey_id ORDER BY m.primary_hidden, m.n, m.ward_id
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
           ), 0) AS shown_below
    FROM marked m
)
SELECT survey_id, ward_id, n,
       primary_hidden
       OR (hidden_sum IS NOT NULL AND hidden_sum + shown_below < {min_cell}) AS suppressed
FROM ranked
WHERE ward_id IS NOT NULL
