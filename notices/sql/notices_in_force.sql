-- The notices in force at a point and an instant: published, the window [starts_at,
-- ends_at) holding the instant, and the area covering the point ({covers}: the one rule of
-- layers/sql/target_area_covers.sql, a point on the border inside). Most severe first,
-- then the latest to start.
-- Parameters: lon, lat (degrees), at (timestamptz).
SELECT n.*
FROM notices_notice AS n
WHERE n.status = 'published'
  AND n.starts_at <= %(at)s
  AND n.ends_at > %(at)s
  AND {covers}
ORDER BY CASE n.severity WHEN 'danger' THEN 3 WHEN 'warning' THEN 2 ELSE 1 END DESC,
         n.starts_at DESC,
         n.id DESC
