-- Open items of a category near a point (feedback/duplicates.py): filtered, measured and
-- ordered on the public (coarsened) point only, never the exact one. Distances rounded to
-- 10 m. Parameters: lon, lat, category, open (statuses), exclude (a tracking code),
-- degrees (the bounding box's half side), radius (metres), limit.
SELECT t.tracking_code, t.status, c.code, t.description, t.created_at,
       round(ST_Distance(t.public_geom::geography, p.g::geography) / 10) * 10 AS metres
FROM feedback_feedbackitem AS t
JOIN feedback_feedbackcategory AS c ON c.id = t.category_id,
     (SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) AS g) AS p
WHERE c.code = %(category)s AND t.status = ANY (%(open)s::text[])
  AND t.tracking_code <> %(exclude)s
  AND t.public_geom && ST_Expand(p.g, %(degrees)s)
  AND ST_DWithin(t.public_geom::geography, p.g::geography, %(radius)s)
ORDER BY metres, t.created_at, t.tracking_code
LIMIT %(limit)s
