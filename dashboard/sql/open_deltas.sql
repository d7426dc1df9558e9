-- "Open now" and "overdue now" at any instant without reading every open item: each fact's
-- spans (facts_table.sql) become deltas, +1 where a span begins to count and -1 where it
-- stops, and the deltas are summed per leaf area and local day as the facts change
-- (statement triggers on dashboard_itemfact). The count at an instant t is then the sum of
-- the deltas of the days before t's day (dashboard_opendelta, a few rows per area and day)
-- plus the deltas of t's own day before t (dashboard_opendelta_recent keeps every delta at
-- or after two days before it was written, to the microsecond; open_at.sql).
--   open     the item's open spans;
--   overdue  its open spans after its deadline, less the spans it waited for the resident
--            (awaiting_info: the deadline's clock is paused).
-- A delta counts from the first instant t "after" it: a span (a, b] counts for a < t <= b,
-- so +1 at a and -1 at b; inclusive and exclusive bounds are moved by a microsecond (the
-- resolution of timestamptz) so that every delta counts for t > its instant.
-- Area 0: outside every area. Placeholder: time_zone (the city's, a literal).
CREATE TABLE IF NOT EXISTS dashboard_opendelta (
    generation_id bigint NOT NULL,
    area_id bigint NOT NULL,
    day date NOT NULL,
    open_delta integer NOT NULL,
    overdue_delta integer NOT NULL
);
-- Appended, never updated in place (day_flows.sql says why): a key may have several rows,
-- summed by every reader and merged by the hourly job (dashboard.tasks).
CREATE INDEX IF NOT EXISTS dashboard_opendelta_key
    ON dashboard_opendelta (generation_id, area_id, day);
CREATE TABLE IF NOT EXISTS dashboard_opendelta_recent (
    generation_id bigint NOT NULL,
    area_id bigint NOT NULL,
    at timestamptz NOT NULL,
    open_delta integer NOT NULL,
    overdue_delta integer NOT NULL
);
CREATE INDEX IF NOT EXISTS dashboard_opendelta_recent_at
    ON dashboard_opendelta_recent (generation_id, at);

CREATE OR REPLACE FUNCTION dashboard_span_deltas(
    p_open tstzmultirange, p_paused tstzmultirange, p_deadline timestamptz
) RETURNS TABLE (at timestamptz, open_delta integer, overdue_delta integer)
LANGUAGE sql IMMUTABLE AS $body$
    WITH spans AS (
        SELECT r, 1 AS is_open, 0 AS is_overdue FROM unnest(p_open) AS r
        UNION ALL
        SELECT r, 0, 1
        FROM unnest((p_open * tstzmultirange(tstzrange(p_deadline, NULL, '()')))
                    - COALESCE(p_paused, tstzmultirange())) AS r
    )
    SELECT CASE WHEN lower_inf(r) THEN '-infinity'::timestamptz
                WHEN lower_inc(r) THEN lower(r) - interval '1 microsecond'
                ELSE lower(r) END,
           is_open, is_overdue
    FROM spans
    UNION ALL
    SELECT CASE WHEN upper_inc(r) THEN upper(r) ELSE upper(r) - interval '1 microsecond' END,
           -is_open, -is_overdue
    FROM spans WHERE NOT upper_inf(r)
$body$;

-- The statement that adds the deltas of the fact rows of a relation (%I: the table, or a
-- trigger's transition table) times a sign ($1), for EXECUTE: a transition table is seen
-- only by statements of the trigger's own function.
CREATE OR REPLACE FUNCTION dashboard_opendelta_statement() RETURNS text
LANGUAGE sql IMMUTABLE AS $body$ SELECT $statement$
    WITH deltas AS (
        SELECT f.generation_id, COALESCE(f.area_id, 0) AS area_id, d.at,
               $1 * d.open_delta AS open_delta, $1 * d.overdue_delta AS overdue_delta
        FROM %I AS f
        CROSS JOIN LATERAL dashboard_span_deltas(f.open_spans, f.paused_spans, f.deadline_at)
            AS d
    ),
    recent AS (
        INSERT INTO dashboard_opendelta_recent (generation_id, area_id, at, open_delta,
                                                overdue_delta)
        SELECT deltas.generation_id, deltas.area_id, deltas.at, deltas.open_delta,
               deltas.overdue_delta
        FROM deltas WHERE deltas.at >= now() - interval '2 days'
    )
    INSERT INTO dashboard_opendelta (generation_id, area_id, day, open_delta, overdue_delta)
    SELECT deltas.generation_id, deltas.area_id, (deltas.at AT TIME ZONE $statement$
    || quote_literal({time_zone}) || $statement$)::date,
           sum(deltas.open_delta), sum(deltas.overdue_delta)
    FROM deltas
    GROUP BY 1, 2, 3
$statement$ $body$;

-- Every delta again from the facts (after the tables are created, or to repair them).
CREATE OR REPLACE FUNCTION dashboard_opendelta_rebuild() RETURNS void
LANGUAGE plpgsql AS $body$
BEGIN
    DELETE FROM dashboard_opendelta;
    DELETE FROM dashboard_opendelta_recent;
    EXECUTE format(dashboard_opendelta_statement(), 'dashboard_itemfact') USING 1;
END;
$body$;

CREATE OR REPLACE FUNCTION dashboard_opendelta_written() RETURNS trigger
LANGUAGE plpgsql AS $body$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        EXECUTE format(dashboard_opendelta_statement(), 'old_rows') USING -1;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        EXECUTE format(dashboard_opendelta_statement(), 'new_rows') USING 1;
    END IF;
    RETURN NULL;
END;
$body$;

CREATE OR REPLACE FUNCTION dashboard_opendelta_truncated() RETURNS trigger
LANGUAGE plpgsql AS $body$
BEGIN
    DELETE FROM dashboard_opendelta;
    DELETE FROM dashboard_opendelta_recent;
    RETURN NULL;
END;
$body$;

DROP TRIGGER IF EXISTS dashboard_opendelta_ins ON dashboard_itemfact;
DROP TRIGGER IF EXISTS dashboard_opendelta_upd ON dashboard_itemfact;
DROP TRIGGER IF EXISTS dashboard_opendelta_del ON dashboard_itemfact;
DROP TRIGGER IF EXISTS dashboard_opendelta_trunc ON dashboard_itemfact;
CREATE TRIGGER dashboard_opendelta_ins AFTER INSERT ON dashboard_itemfact
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_opendelta_written();
CREATE TRIGGER dashboard_opendelta_upd AFTER UPDATE ON dashboard_itemfact
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_opendelta_written();
CREATE TRIGGER dashboard_opendelta_del AFTER DELETE ON dashboard_itemfact
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_opendelta_written();
CREATE TRIGGER dashboard_opendelta_trunc AFTER TRUNCATE ON dashboard_itemfact
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_opendelta_truncated();
