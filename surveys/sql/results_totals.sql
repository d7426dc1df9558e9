-- Per question and ward: how many answer sets answered it, and for scales and numbers the
-- sum of the answers (the mean is computed from sums, so ward and city means agree).
-- ward_id is NULL for answers given outside every ward. Binds: survey (id).
SELECT q.id AS question_id,
       s.ward_id,
       count(*) AS answered,
       sum(CASE WHEN q.kind IN ('scale', 'number')
                THEN (s.answers ->> q.id::text)::numeric END) AS total
FROM surveys_answerset s
JOIN surveys_question q ON q.survey_id = s.survey_id
WHERE s.survey_id = %(survey)s
  AND jsonb_exists(s.answers, q.id::text)
GROUP BY q.id, s.ward_id
