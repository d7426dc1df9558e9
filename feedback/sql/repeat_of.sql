-- The item a new report repeats (feedback/repeats.py): the most recently resolved item of
-- the same category, resolved or closed within the category's repeat window before "now",
-- whose exact point lies within "distance" metres (geography) of the new point. The box
-- test on geom (its GiST index) narrows the rows before the exact distance.
-- Parameters: lon, lat, category_id, statuses (text[]), since, now (timestamptz),
-- degrees (the box's half side), distance (metres).
SELECT t.id
FROM feedback_feedbackitem AS t,
     (SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) AS g) AS p
WHERE t.category_id = %(category_id)s
  AND t.status = ANY (%(statuses)s::text[])
  AND t.resolved_at >= %(since)s AND t.resolved_at <= %(now)s
  AND t.geom && ST_Expand(p.g, %(degrees)s)
  AND ST_DWithin(t.geom::geography, p.g::geography, %(distance)s)
ORDER BY t.resolved_at DESC, t.id DESC
LIMIT 1
