-- Merges the rows the triggers append (open_deltas.sql, day_flows.sql: never updated in
-- place) into one row per key, leaving out keys that sum to nothing. Rows appended while it
-- runs are not in its snapshot and stay as they are; two runs at once merge each row once.
WITH keys AS (
    SELECT d.generation_id, d.area_id, d.day FROM dashboard_opendelta AS d
    GROUP BY 1, 2, 3 HAVING count(*) > 1
),
gone AS (
    DELETE FROM dashboard_opendelta AS d USING keys
    WHERE d.generation_id = keys.generation_id AND d.area_id = keys.area_id
      AND d.day = keys.day
    RETURNING d.*
)
INSERT INTO dashboard_opendelta (generation_id, area_id, day, open_delta, overdue_delta)
SELECT gone.generation_id, gone.area_id, gone.day, sum(gone.open_delta),
       sum(gone.overdue_delta)
FROM gone GROUP BY 1, 2, 3
HAVING sum(gone.open_delta) <> 0 OR sum(gone.overdue_delta) <> 0;

WITH keys AS (
    SELECT f.generation_id, f.day, f.area_id FROM dashboard_dayflow AS f
    GROUP BY 1, 2, 3 HAVING count(*) > 1
),
gone AS (
    DELETE FROM dashboard_dayflow AS f USING keys
    WHERE f.generation_id = keys.generation_id AND f.day = keys.day
      AND f.area_id = keys.area_id
    RETURNING f.*
)
INSERT INTO dashboard_dayflow (generation_id, day, area_id, received, ratings, rating_sum,
                               reopened_month, reopened_quarter, reopened_year)
SELECT gone.generation_id, gone.day, gone.area_id, sum(gone.received), sum(gone.ratings),
       sum(gone.rating_sum), sum(gone.reopened_month), sum(gone.reopened_quarter),
       sum(gone.reopened_year)
FROM gone GROUP BY 1, 2, 3
HAVING sum(gone.received) <> 0 OR sum(gone.ratings) <> 0 OR sum(gone.rating_sum) <> 0
    OR sum(gone.reopened_month) <> 0 OR sum(gone.reopened_quarter) <> 0
    OR sum(gone.reopened_year) <> 0;

WITH keys AS (
    SELECT r.generation_id, r.month, r.area_id, r.bucket FROM dashboard_resolutionflow AS r
    GROUP BY 1, 2, 3, 4 HAVING count(*) > 1
),
gone AS (
    DELETE FROM dashboard_resolutionflow AS r USING keys
    WHERE r.generation_id = keys.generation_id AND r.month = keys.month
      AND r.area_id = keys.area_id AND r.bucket = keys.bucket
    RETURNING r.*
)
INSERT INTO dashboard_resolutionflow (generation_id, month, area_id, bucket, resolved,
                                      on_time)
SELECT gone.generation_id, gone.month, gone.area_id, gone.bucket, sum(gone.resolved),
       sum(gone.on_time)
FROM gone GROUP BY 1, 2, 3, 4
HAVING sum(gone.resolved) <> 0 OR sum(gone.on_time) <> 0;
