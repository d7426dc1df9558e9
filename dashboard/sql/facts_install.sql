-- How dashboard_itemfact is kept current: one function recomputes the facts of some items
-- (or of all, p_item_ids NULL) for every boundary generation, and statement-level triggers
-- call it after every write that can change a fact:
--   feedback_feedbackitem   insert, update, delete: the items written (a deleted item's
--                           rows go, as it is no longer there to recompute);
--   feedback_feedbackevent  insert, update, delete: the items of the events written;
--   layers_areasubdivision, layers_boundarygeneration   any write: every item, because
--                           the ward rule reads exactly these two tables (a boundary import
--                           rebuilds a generation's pieces in two statements, so an import
--                           recomputes twice; a ward's new shape moves its items at once);
--   TRUNCATE of any of them: every item.
-- The ward rule is layers/sql/resolve_ward.sql, put in at its placeholder with its day
-- bound to the generation's first day (as dashboard.measures.compute_raw does).
-- Placeholders: resolve_ward (the rule, day -> refresh_day), open_statuses (the statuses
-- that count as open, literals).
CREATE OR REPLACE FUNCTION dashboard_refresh_facts(p_item_ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $body$
DECLARE
    gen_row record;
    refresh_day date;
BEGIN
    IF p_item_ids IS NULL THEN
        p_item_ids := ARRAY(SELECT i.id FROM feedback_feedbackitem AS i);
    END IF;
    DELETE FROM dashboard_itemfact WHERE item_id IN (SELECT unnest(p_item_ids));
    FOR gen_row IN SELECT g.id, g.valid_from FROM layers_boundarygeneration AS g LOOP
        refresh_day := gen_row.valid_from;
        INSERT INTO dashboard_itemfact (generation_id, item_id, area_id, created_at,
                                        resolved_at, deadline_at, rating, rated_at,
                                        open_spans, reopens, paused_spans)
        WITH targets AS (
            SELECT DISTINCT t.id FROM unnest(p_item_ids) AS t (id)
        ),
        points AS (
            SELECT i.id AS key, i.geom
            FROM feedback_feedbackitem AS i JOIN targets ON targets.id = i.id
        ),
        hits AS ({resolve_ward}),
        placed AS (
            SELECT DISTINCT ON (hits.key) hits.key, hits.area_id
            FROM hits ORDER BY hits.key, hits.area_id
        ),
        events AS (
            SELECT e.item_id, e.at, e.to_status,
                   lead(e.at) OVER (PARTITION BY e.item_id ORDER BY e.at, e.id) AS next_at,
                   row_number() OVER (PARTITION BY e.item_id ORDER BY e.at, e.id) AS n
            FROM feedback_feedbackevent AS e JOIN targets ON targets.id = e.item_id
        ),
        segments AS (
            SELECT events.item_id, tstzrange(NULL, events.at, '(]') AS span
            FROM events WHERE events.n = 1
            UNION ALL
            SELECT events.item_id, tstzrange(events.at, events.next_at, '(]')
            FROM events WHERE events.to_status = ANY (ARRAY[{open_statuses}]::text[])
        ),
        spans AS (
            SELECT segments.item_id, range_agg(segments.span) AS open_spans
            FROM segments GROUP BY segments.item_id
        ),
        reopenings AS (
            SELECT r.item_id, range_agg(tstzrange(r.at, r.at, '[]')) AS reopens
            FROM feedback_feedbackevent AS r JOIN targets ON targets.id = r.item_id
            WHERE r.from_status = 'resolved' AND r.to_status = 'in_progress'
            GROUP BY r.item_id
        ),
        pauses AS (
            SELECT events.item_id,
                   range_agg(tstzrange(events.at, events.next_at, '(]')) AS paused_spans
            FROM events WHERE events.to_status = 'awaiting_info'
            GROUP BY events.item_id
        )
        SELECT gen_row.id, i.id, placed.area_id, i.created_at, i.resolved_at, i.deadline_at,
               i.rating, i.rated_at,
               COALESCE(spans.open_spans, tstzmultirange(tstzrange(NULL, NULL)))
                   * tstzmultirange(tstzrange(i.created_at, NULL, '()')),
               reopenings.reopens, pauses.paused_spans
        FROM feedback_feedbackitem AS i
        JOIN targets ON targets.id = i.id
        LEFT JOIN placed ON placed.key = i.id
        LEFT JOIN spans ON spans.item_id = i.id
        LEFT JOIN reopenings ON reopenings.item_id = i.id
        LEFT JOIN pauses ON pauses.item_id = i.id
        -- A concurrent transaction may have written this item's facts since this one
        -- deleted them: the later recomputation, which has seen its writes, wins.
        ON CONFLICT (generation_id, item_id) DO UPDATE
        SET area_id = EXCLUDED.area_id, created_at = EXCLUDED.created_at,
            resolved_at = EXCLUDED.resolved_at, deadline_at = EXCLUDED.deadline_at,
            rating = EXCLUDED.rating, rated_at = EXCLUDED.rated_at,
            open_spans = EXCLUDED.open_spans, reopens = EXCLUDED.reopens,
            paused_spans = EXCLUDED.paused_spans;
    END LOOP;
END;
$body$;

CREATE OR REPLACE FUNCTION dashboard_facts_items_written() RETURNS trigger
LANGUAGE plpgsql AS $body$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM dashboard_refresh_facts(ARRAY(SELECT n.id FROM new_rows AS n));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM dashboard_refresh_facts(ARRAY(SELECT o.id FROM old_rows AS o));
    ELSE
        PERFORM dashboard_refresh_facts(
            ARRAY(SELECT n.id FROM new_rows AS n UNION SELECT o.id FROM old_rows AS o));
    END IF;
    RETURN NULL;
END;
$body$;

CREATE OR REPLACE FUNCTION dashboard_facts_events_written() RETURNS trigger
LANGUAGE plpgsql AS $body$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM dashboard_refresh_facts(ARRAY(SELECT DISTINCT n.item_id FROM new_rows AS n));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM dashboard_refresh_facts(ARRAY(SELECT DISTINCT o.item_id FROM old_rows AS o));
    ELSE
        PERFORM dashboard_refresh_facts(
            ARRAY(SELECT n.item_id FROM new_rows AS n UNION SELECT o.item_id FROM old_rows AS o));
    END IF;
    RETURN NULL;
END;
$body$;

CREATE OR REPLACE FUNCTION dashboard_facts_refresh_all() RETURNS trigger
LANGUAGE plpgsql AS $body$
BEGIN
    PERFORM dashboard_refresh_facts(NULL);
    RETURN NULL;
END;
$body$;

DROP TRIGGER IF EXISTS dashboard_facts_ins ON feedback_feedbackitem;
DROP TRIGGER IF EXISTS dashboard_facts_upd ON feedback_feedbackitem;
DROP TRIGGER IF EXISTS dashboard_facts_del ON feedback_feedbackitem;
DROP TRIGGER IF EXISTS dashboard_facts_trunc ON feedback_feedbackitem;
CREATE TRIGGER dashboard_facts_ins AFTER INSERT ON feedback_feedbackitem
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_facts_items_written();
CREATE TRIGGER dashboard_facts_upd AFTER UPDATE ON feedback_feedbackitem
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_facts_items_written();
CREATE TRIGGER dashboard_facts_del AFTER DELETE ON feedback_feedbackitem
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_facts_items_written();
CREATE TRIGGER dashboard_facts_trunc AFTER TRUNCATE ON feedback_feedbackitem
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_facts_refresh_all();

DROP TRIGGER IF EXISTS dashboard_facts_ins ON feedback_feedbackevent;
DROP TRIGGER IF EXISTS dashboard_facts_upd ON feedback_feedbackevent;
DROP TRIGGER IF EXISTS dashboard_facts_del ON feedback_feedbackevent;
DROP TRIGGER IF EXISTS dashboard_facts_trunc ON feedback_feedbackevent;
CREATE TRIGGER dashboard_facts_ins AFTER INSERT ON feedback_feedbackevent
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_facts_events_written();
CREATE TRIGGER dashboard_facts_upd AFTER UPDATE ON feedback_feedbackevent
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_facts_events_written();
CREATE TRIGGER dashboard_facts_del AFTER DELETE ON feedback_feedbackevent
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_facts_events_written();
CREATE TRIGGER dashboard_facts_trunc AFTER TRUNCATE ON feedback_feedbackevent
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_facts_refresh_all();

DROP TRIGGER IF EXISTS dashboard_facts_all ON layers_areasubdivision;
DROP TRIGGER IF EXISTS dashboard_facts_trunc ON layers_areasubdivision;
CREATE TRIGGER dashboard_facts_all AFTER INSERT OR UPDATE OR DELETE ON layers_areasubdivision
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_facts_refresh_all();
CREATE TRIGGER dashboard_facts_trunc AFTER TRUNCATE ON layers_areasubdivision
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_facts_refresh_all();

DROP TRIGGER IF EXISTS dashboard_facts_all ON layers_boundarygeneration;
DROP TRIGGER IF EXISTS dashboard_facts_trunc ON layers_boundarygeneration;
CREATE TRIGGER dashboard_facts_all
    AFTER INSERT OR UPDATE OR DELETE ON layers_boundarygeneration
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_facts_refresh_all();
CREATE TRIGGER dashboard_facts_trunc AFTER TRUNCATE ON layers_boundarygeneration
    FOR EACH STATEMENT EXECUTE FUNCTION dashboard_facts_refresh_all();
