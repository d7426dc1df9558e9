-- Per question, ward and choice (a choice code, or a scale's value 1-5): how many answer
-- sets chose it. A multiple-choice answer counts once for each choice in it.
-- Binds: survey (id).
SELECT q.id AS question_id,
       s.ward_id,
       c.choice,
       count(*) AS chosen
FROM surveys_answerset s
JOIN surveys_question q ON q.survey_id = s.survey_id
CROSS JOIN LATERAL (
    SELECT s.answers ->> q.id::text AS choice
    WHERE q.kind IN ('single', 'scale')
    UNION ALL
    SELECT jsonb_array_elements_text(s.answers -> q.id::text)
    WHERE q.kind = 'multiple'
) c
WHERE s.survey_id = %(survey)s
  AND jsonb_exists(s.answers, q.id::text)
GROUP BY q.id, s.ward_id, c.choice
