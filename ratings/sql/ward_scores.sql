-- Satisfaction of every ward of the boundary generation valid on the period's first day
-- ({period_start}), one row per ward: the count, mean, sample standard deviation and
-- distribution (d1..d5) of the overall ratings of that period; "enough" when the count
-- reaches the minimum sample ({min_sample}); then the ranking score, a Bayesian average
-- shrunk towards the city mean with the minimum sample as the prior's weight,
--   score = (min_sample * city_mean + sum) / (min_sample + count),
-- and the rank by that score (ties: more ratings first, then the code), both only for
-- wards with enough ratings. Used as is by ratings.queries and inside the
-- "ward_satisfaction" layer's FROM clause (ratings/layer.py): values come in as literals.
SELECT s.*,
       CASE WHEN s.enough
            THEN (row_number() OVER (PARTITION BY s.enough
                                     ORDER BY s.score DESC, s.n DESC, s.code))::int
       END AS rank
FROM (
    SELECT w.id AS ward_id,
           w.code,
           w.name,
           coalesce(r.n, 0)::int AS n,
           r.total::float8 / r.n AS mean,
           r.sd,
           coalesce(r.d1, 0)::int AS d1,
           coalesce(r.d2, 0)::int AS d2,
           coalesce(r.d3, 0)::int AS d3,
           coalesce(r.d4, 0)::int AS d4,
           coalesce(r.d5, 0)::int AS d5,
           city.mean AS city_mean,
           coalesce(r.n, 0) >= {min_sample} AS enough,
           CASE WHEN coalesce(r.n, 0) >= {min_sample}
                THEN ({min_sample} * city.mean + r.total) / ({min_sample} + r.n)
           END AS score
    FROM (
        SELECT a.id, a.code, a.name
        FROM layers_administrativearea AS a
        JOIN layers_boundarygeneration AS g ON g.id = a.generation_id
        WHERE a.level = 'ward'
          AND g.valid_from <= {period_start}
          AND (g.valid_to IS NULL OR g.valid_to >= {period_start})
    ) AS w
    LEFT JOIN (
        SELECT x.ward_id,
               count(*) AS n,
               sum(x.overall)::float8 AS total,
               stddev_samp(x.overall)::float8 AS sd,
               count(*) FILTER (WHERE x.overall = 1) AS d1,
               count(*) FILTER (WHERE x.overall = 2) AS d2,
               count(*) FILTER (WHERE x.overall = 3) AS d3,
               count(*) FILTER (WHERE x.overall = 4) AS d4,
               count(*) FILTER (WHERE x.overall = 5) AS d5
        FROM ratings_wardrating AS x
        WHERE x.period_start = {period_start}
        GROUP BY x.ward_id
    ) AS r ON r.ward_id = w.id
    CROSS JOIN (
        SELECT sum(y.overall)::float8 / nullif(count(*), 0) AS mean
        FROM ratings_wardrating AS y
        JOIN layers_administrativearea AS ya ON ya.id = y.ward_id
        JOIN layers_boundarygeneration AS yg ON yg.id = ya.generation_id
        WHERE y.period_start = {period_start}
          AND yg.valid_from <= {period_start}
          AND (yg.valid_to IS NULL OR yg.valid_to >= {period_start})
    ) AS city
) AS s
