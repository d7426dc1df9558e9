-- The engagement measures of one period, per group: residents' ward ratings (ratings app,
-- rating periods whose first day falls in the period) and survey answer sets created in
-- the period. Each rating or answer set counts in the leaf area of the asked generation
-- that holds its stored ward's label point, by the one point-to-ward rule (resolve_ward.sql
-- on "day"): in the generation of its ward, that ward itself; in another generation, the
-- ward holding its label point. Rows whose ward is unset or not placed are not counted.
-- The total row (total_key) sums the counts and weighs the mean by them.
-- Parameters: day, first_day, stop_day (date), start, stop (timestamptz), leaf_ids,
-- group_keys, total_key.
WITH rated AS (
    SELECT r.ward_id, r.overall, NULL::bigint AS answer_id
    FROM ratings_wardrating AS r
    WHERE r.period_start >= %(first_day)s AND r.period_start < %(stop_day)s
),
answered AS (
    SELECT a.ward_id, NULL::smallint AS overall, a.id AS answer_id
    FROM surveys_answerset AS a
    WHERE a.created_at >= %(start)s AND a.created_at < %(stop)s AND a.ward_id IS NOT NULL
),
events AS (SELECT * FROM rated UNION ALL SELECT * FROM answered),
points AS (
    SELECT w.id AS key, COALESCE(w.label_point, ST_PointOnSurface(w.geom)) AS geom
    FROM layers_administrativearea AS w
    WHERE w.id IN (SELECT DISTINCT ward_id FROM events)
),
hits AS ({resolve_ward}),
groups AS (
    SELECT g.area_id, g.group_key
    FROM unnest(%(leaf_ids)s::bigint[], %(group_keys)s::text[]) AS g (area_id, group_key)
),
placed AS (
    SELECT groups.group_key, e.overall, e.answer_id
    FROM events AS e
    JOIN hits ON hits.key = e.ward_id
    JOIN groups ON groups.area_id = hits.area_id
)
SELECT CASE WHEN GROUPING(group_key) = 1 THEN %(total_key)s ELSE group_key END AS group_key,
       count(overall) AS satisfaction_count,
       avg(overall)::float8 AS satisfaction_mean,
       count(answer_id) AS survey_answers
FROM placed
GROUP BY GROUPING SETS ((group_key), ())
