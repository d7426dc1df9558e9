-- The published surveys whose area covers a point and whose window holds an instant.
-- The window is half-open: open from opens_at (inclusive) to closes_at (exclusive).
-- {covers} is layers.target_areas.covers_sql over the survey's columns and the point.
-- Binds: lon, lat, now.
SELECT s.id
FROM surveys_survey s
WHERE s.status = 'published'
  AND s.opens_at <= %(now)s
  AND s.closes_at > %(now)s
  AND s.area && ST_Expand(ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326), 0.01)
  AND {covers}
ORDER BY s.closes_at, s.id
