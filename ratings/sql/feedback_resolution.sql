-- Residents' ratings of feedback resolved in the period (resolved_at in [start, end)):
-- counted per ward for items routed to a ward of the period's generation; one row per item
-- (its point) for items routed to a ward of another generation, which ratings.queries
-- places in the ward its point falls in (layers.wards.resolve_wards).
-- Bound: start, end (instants), generation (the period's generation id).
SELECT f.ward_id, NULL::float8 AS lon, NULL::float8 AS lat,
       count(*)::int AS n, sum(f.rating)::int AS total
FROM feedback_feedbackitem AS f
JOIN layers_administrativearea AS a ON a.id = f.ward_id
WHERE f.rating IS NOT NULL
  AND f.resolved_at >= %(start)s
  AND f.resolved_at < %(end)s
  AND a.generation_id = %(generation)s
GROUP BY f.ward_id
UNION ALL
SELECT NULL, ST_X(f.geom), ST_Y(f.geom), 1, f.rating
FROM feedback_feedbackitem AS f
JOIN layers_administrativearea AS a ON a.id = f.ward_id
WHERE f.rating IS NOT NULL
  AND f.resolved_at >= %(start)s
  AND f.resolved_at < %(end)s
  AND a.generation_id <> %(generation)s
