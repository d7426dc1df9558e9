-- Per ward and aspect, for one period: how many ratings scored the aspect and their mean.
-- Bound: period_start.
SELECT r.ward_id, a.key AS aspect, count(*)::int AS n, avg(a.value::int)::float8 AS mean
FROM ratings_wardrating AS r
CROSS JOIN LATERAL jsonb_each_text(r.aspects) AS a(key, value)
WHERE r.period_start = %(period_start)s
GROUP BY r.ward_id, a.key
