-- Per-day flows: what the measures count by the day it happened, summed per boundary
-- generation, local day (the city's) and leaf area, so that a period (a union of whole
-- local days) sums at most 168 areas x 366 days instead of reading every item:
--   received     items created that day;
--   ratings, rating_sum   resolutions rated that day (rating not null) and their sum, so
--                the mean is sum / count exactly as avg() computes it (numeric division);
--   reopened_month, reopened_quarter, reopened_year   items whose first reopening
--                (resolved -> in progress) of that local month, quarter or year fell that
--                day: a month, quarter or year sums them and counts an item reopened twice
--                in it once, as the raw definition does.
-- Per-month resolutions (dashboard_resolutionflow): resolutions per generation, local month
-- of resolution, leaf area and hours bucket (dashboard_hour_bucket: monotone in the hours
-- from creation to resolution), with how many were on time. A month, quarter or year sums
-- them per group; the exact median and 90th percentile are then read from the one or two
-- buckets that hold their ranks, through the index dashboard_itemfact_hour_bucket
-- (dashboard/percentiles.py). Resolutions dated before their item's creation (bucket -1,
-- none through the workflow) are not summed here but read from that index.
-- A rating or reopening dated before its item was created (impossible through the
-- workflow, possible in raw SQL) is counted on its own day like any other; measures_fast.sql
-- takes back the few that the raw definition leaves out (item created after the period)
-- through the partial indexes dashboard_itemfact_rated_early and
-- dashboard_itemfact_reopened_early.
-- Kept by statement triggers on dashboard_itemfact (the facts' own triggers keep those),
-- as the open deltas are: old rows subtracted, new rows added. Appended, never updated in
-- place: concurrent reports of one ward on one day would otherwise queue on that day's
-- row until each commits (bench/dashboard_contention.py); a key may so have several rows,
-- every reader sums them, and the hourly job (dashboard.tasks) merges them. No TRUNCATE
-- trigger: the facts are emptied by DELETE (dashboard_refresh_facts), which the triggers see.
-- Area 0: outside every area. Placeholder: time_zone (the city's, a literal).
CREATE TABLE IF NOT EXISTS dashboard_dayflow (
    generation_id bigint NOT NULL,
    day date NOT NULL,
    area_id bigint NOT NULL,
    received integer NOT NULL,
    ratings integer NOT NULL,
    rating_sum integer NOT NULL,
    reopened_month integer NOT NULL,
    reopened_quarter integer NOT NULL,
    reopened_year integer NOT NULL
);
CREATE INDEX IF NOT EXISTS dashboard_dayflow_key
    ON dashboard_dayflow (generation_id, day, area_id);

CREATE TABLE IF NOT EXISTS dashboard_resolutionflow (
    generation_id bigint NOT NULL,
    month date NOT NULL,
    area_id bigint NOT NULL,
    bucket smallint NOT NULL,
    resolved integer NOT NULL,
    on_time integer NOT NULL
);
CREATE INDEX IF NOT EXISTS dashboard_resolutionflow_key
    ON dashboard_resolutionflow (generation_id, month, area_id, bucket);

-- The hours bucket of a resolution: -1 before its creation, then floor(8 sqrt(hours)) up to
-- 255 (1,016 hours and more). Monotone in the hours, so the buckets in order hold the
-- resolutions in the order of their hours. Changing it needs the index and the flows
-- rebuilt (dashboard.facts.install_sums).
CREATE OR REPLACE FUNCTION dashboard_hour_bucket(p_resolved timestamptz, p_created timestamptz)
RETURNS smallint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $body$
    SELECT CASE WHEN p_resolved < p_created THEN -1
                ELSE LEAST(255, floor(8 * sqrt(EXTRACT(EPOCH FROM p_resolved - p_created)
                                               / 3600.0)))
           END::smallint
$body$;

CREATE INDEX IF NOT EXISTS dashboard_itemfact_hour_bucket
    ON dashboard_itemfact (generation_id, dashboard_hour_bucket(resolved_at, created_at),
                           resolved_at)
    INCLUDE (area_id, created_at)
    WHERE resolved_at IS NOT NULL;

-- The statement that adds the resolutions of the fact rows of a relation (%I) times a sign
-- ($1), for EXECUTE; as dashboard_dayflow_statement.
CREATE OR REPLACE FUNCTION dashboard_resolutionflow_statement() RETURNS text
LANGUAGE sql IMMUTABLE AS $body$ SELECT $statement$
    INSERT INTO dashboard_resolutionflow (generation_id, month, area_id, bucket, resolved,
                                          on_time)
    SELECT f.generation_id,
           date_trunc('month', f.resolved_at AT TIME ZONE {time_zone})::date,
           COALESCE(f.area_id, 0), dashboard_hour_bucket(f.resolved_at, f.created_at),
           $1 * count(*), $1 * count(*) FILTER (WHERE f.resolved_at <= f.deadline_at)
    FROM %1$I AS f
    WHERE f.resolved_at >= f.created_at
    GROUP BY 1, 2, 3, 4
$statement$ $body$;

-- The statement that adds the flows of the fact rows of a relation (%I: the table, or a
-- trigger's transition table) times a sign ($1), for EXECUTE.
CREATE OR REPLACE FUNCTION dashboard_dayflow_statement() RETURNS text
LANGUAGE sql IMMUTABLE AS $body$ SELECT $statement$
    WITH reopen_days AS (
        SELECT f.generation_id, f.item_id, COALESCE(f.area_id, 0) AS area_id,
               (lower(r) AT TIME ZONE {time_zone})::date AS day
        FROM %1$I AS f
        CROSS JOIN LATERAL unnest(f.reopens) AS r
        WHERE f.reopens IS NOT NULL
    ),
    firsts AS (
        SELECT d.generation_id, d.area_id, d.day,
               row_number() OVER (PARTITION BY d.generation_id, d.item_id,
                                  date_trunc('month', d.day::timestamp)
                                  ORDER BY d.day) AS in_month,
               row_number() OVER (PARTITION BY d.generation_id, d.item_id,
                                  date_trunc('quarter', d.day::timestamp)
                                  ORDER BY d.day) AS in_quarter,
               row_number() OVER (PARTITION BY d.generation_id, d.item_id,
                                  date_trunc('year', d.day::timestamp)
                                  ORDER BY d.day) AS in_year
        FROM reopen_days AS d
    ),
    flows AS (
        SELECT f.generation_id, (f.created_at AT TIME ZONE {time_zone})::date AS day,
               COALESCE(f.area_id, 0) AS area_id, 1 AS received, 0 AS ratings,
               0 AS rating_sum, 0 AS reopened_month, 0 AS reopened_quarter,
               0 AS reopened_year
        FROM %1$I AS f
        UNION ALL
        SELECT f.generation_id, (f.rated_at AT TIME ZONE {time_zone})::date,
               COALESCE(f.area_id, 0), 0, 1, f.rating, 0, 0, 0
        FROM %1$I AS f
        WHERE f.rated_at IS NOT NULL AND f.rating IS NOT NULL
        UNION ALL
        SELECT firsts.generation_id, firsts.day, firsts.area_id, 0, 0, 0,
               (firsts.in_month = 1)::int, (firsts.in_quarter = 1)::int,
               (firsts.in_year = 1)::int
        FROM firsts
        WHERE firsts.in_year = 1 OR firsts.in_quarter = 1 OR firsts.in_month = 1
    )
    INSERT INTO dashboard_dayflow (generation_id, day, area_id, received, ratings,
                                        rating_sum, reopened_month, reopened_quarter,
                                        reopened_year)
    SELECT flows.generation_id, flows.day, flows.area_id, $1 * sum(flows.received),
           $1 * sum(flows.ratings), $1 * sum(flows.rating_sum),
           $1 * sum(flows.reopened_month), $1 * sum(flows.reopened_quarter),
           $1 * sum(flows.reopened_year)
    FROM flows
    GROUP BY 1, 2, 3
$statement$ $body$;

-- Every flow again from the facts (after the table is created, or to repair it).
CREATE OR REPLACE FUNCTION dashboard_dayflow_rebuild() RETURNS void
LANGUAGE plpgsql AS $body$
BEGIN
    DELETE FROM dashboard_dayflow;
    DELETE FROM dashboard_resolutionflow;
    EXECUTE format(dashboard_dayflow_statement(), 'dashboard_itemfact') USING 1;
    EXECUTE format(dashboard_resolutionflow_statement(), 'dashboard_itemfact') USING 1;
END;
$body$;

CREATE OR REPLACE FUNCTION dashboard_dayflow_written() RETURNS trigger
LANGUAGE plpgsql AS $body$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        EXECUTE format(dashboard_dayflow_statement(), 'old_rows') USING -1;
        EXECUTE format(dashboard_resolutionflow_statement(), 'old_rows') USING -1;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        EXECUTE format(dashboard_dayflow_statement(), 'new_rows') USING 1;
        EXECUTE format(dashboard_resolutionflow_statement(), 'new_rows') USING 1;
    END IF;
    RETURN NULL;
END;
$body$;

DROP TRIGGER IF EXISTS dashboard_dayflow_ins ON dashboard_itemfact;
DROP TRIGGER IF EXISTS dashboard_dayflow_upd ON dashboard_itemfact;
DROP TRIGGER IF EXISTS dashboard_dayflow_del ON dashboard_itemfact;
CREATE TRIGGER dashboard_dayflow_ins AFTER INSERT ON dashboard_itemfact
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_dayflow_written();
CREATE TRIGGER dashboard_dayflow_upd AFTER UPDATE ON dashboard_itemfact
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_dayflow_written();
CREATE TRIGGER dashboard_dayflow_del AFTER DELETE ON dashboard_itemfact
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_dayflow_written();
