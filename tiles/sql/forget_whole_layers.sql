-- The trigger function of a table any change of which alters whole layers (a category
-- renamed, a generation's dates): every cached tile of those layers is forgotten.
-- Placeholders: the function, its trigger and table; layers: ARRAY[...] of the slugs; worlds:
-- as many tiles_world() boxes (composed by tiles/triggers.py).
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM tiles_forget({layers}, {worlds});
    RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS {trigger} ON {table};
CREATE TRIGGER {trigger} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION {function}();
