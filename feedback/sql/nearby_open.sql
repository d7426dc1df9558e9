-- Open items of a category near a point (feedback/duplicates.py): filtered, measured and
-- ordered on the public (coarsened) point only, never the exact one. Distances rounded to
-- 10 m. The items in the small box around the point are found first, by the public
-- point's GiST index alone (MATERIALIZED): with 2 million items the planner otherwise
-- ANDs the box with the (category, status) index, reading hundreds of thousands of
-- entries for a handful of rows. Parameters: lon, lat, category, open (statuses), exclude
-- (a tracking code), degrees (the bounding box's half side), radius (metres), limit.
WITH near AS MATERIALIZED (
    SELECT t.tracking_code, t.status, t.category_id, t.description, t.created_at,
           t.public_geom
    FROM feedback_feedbackitem AS t
    WHERE t.public_geom && ST_Expand(ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326),
                                     %(degrees)s)
)
SELECT n.tracking_code, n.status, c.code, n.description, n.created_at,
       round(ST_Distance(n.public_geom::geography, p.g::geography) / 10) * 10 AS metres
FROM near AS n
JOIN feedback_feedbackcategory AS c ON c.id = n.category_id,
     (SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) AS g) AS p
WHERE c.code = %(category)s AND n.status = ANY (%(open)s::text[])
  AND n.tracking_code <> %(exclude)s
  AND ST_DWithin(n.public_geom::geography, p.g::geography, %(radius)s)
ORDER BY metres, n.created_at, n.tracking_code
LIMIT %(limit)s
