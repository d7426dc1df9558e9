-- The trigger function of a table whose rows carry a layer's geometry: the cached tiles
-- under each changed row (old and new position) of every layer it names are forgotten,
-- in the writer's transaction (tiles_forget, migrations 0002 and 0005).
-- Placeholders: the function, its triggers and table; rows_new / rows_old: SELECT (layer slug,
-- geometry) over the transition tables new_rows / old_rows (composed by tiles/triggers.py).
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ls text[];
    bs geometry[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(s.slug), array_agg(s.geom) INTO ls, bs
        FROM ({rows_new}) AS s (slug, geom);
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(s.slug), array_agg(s.geom) INTO ls, bs
        FROM ({rows_old}) AS s (slug, geom);
    ELSE
        SELECT array_agg(s.slug), array_agg(s.geom) INTO ls, bs
        FROM ({rows_old} UNION ALL {rows_new}) AS s (slug, geom);
    END IF;
    PERFORM tiles_forget(ls, bs);
    RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS {trigger_i} ON {table};
DROP TRIGGER IF EXISTS {trigger_u} ON {table};
DROP TRIGGER IF EXISTS {trigger_d} ON {table};
CREATE TRIGGER {trigger_i} AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}();
CREATE TRIGGER {trigger_u} AFTER UPDATE ON {table}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {function}();
CREATE TRIGGER {trigger_d} AFTER DELETE ON {table}
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}();
