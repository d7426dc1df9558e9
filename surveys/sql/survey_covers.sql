-- Does one survey's area cover a point? (The rule is layers.target_areas.covers_sql.)
-- Binds: survey (id), lon, lat.
SELECT {covers}
FROM surveys_survey s
WHERE s.id = %(survey)s
