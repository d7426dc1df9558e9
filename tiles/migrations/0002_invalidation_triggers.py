"""Triggers that forget cached tiles when the rows a layer reads from change.

Every write to a layer's table, by any path (the API, the admin, an importer, psql),
deletes the cached tiles whose area it touches, at every zoom, inside the writer's own
transaction, and records the change in ``tiles_tiledirty``. Statement-level triggers with
transition tables: a 1,000,000-row import costs one DELETE, not a million (above 1,000
rows the changed rows' extent is used instead of each row's box).
"""

from django.db import migrations

FORGET = r"""
CREATE OR REPLACE FUNCTION tiles_forget(layer_names text[], boxes geometry[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    n int := coalesce(array_length(layer_names, 1), 0);
BEGIN
    IF n = 0 THEN
        RETURN;
    END IF;
    -- Writers hold a shared lock per layer until they commit. A reader stores a tile only
    -- if it gets the same lock exclusively at once (pg_try_advisory_xact_lock): while a
    -- write is in flight its tiles are served but never stored (tiles/cache.py).
    PERFORM pg_advisory_xact_lock_shared(hashtext('tiles:' || l))
    FROM (SELECT DISTINCT unnest(layer_names) AS l ORDER BY 1) AS s;
    WITH items AS (
        SELECT u.l, ST_Envelope(u.b) AS b
        FROM unnest(layer_names, boxes) AS u (l, b)
        WHERE u.b IS NOT NULL AND NOT ST_IsEmpty(u.b)
    ),
    boxed AS (
        SELECT l, b FROM items WHERE n <= 1000
        UNION ALL
        SELECT l, ST_SetSRID(ST_Extent(b)::geometry, 4326) FROM items WHERE n > 1000 GROUP BY l
    ),
    gone AS (
        DELETE FROM tiles_cachedtile AS c
        USING boxed
        WHERE c.layers @> ARRAY[boxed.l]::varchar[] AND c.envelope && boxed.b
    )
    INSERT INTO tiles_tiledirty (layer, box, xid, created_at)
    SELECT l, b, pg_current_xact_id()::text::bigint, now() FROM boxed;
    DELETE FROM tiles_tiledirty WHERE created_at < now() - interval '15 minutes';
END
$$;

CREATE OR REPLACE FUNCTION tiles_world() RETURNS geometry LANGUAGE sql IMMUTABLE AS
$$ SELECT ST_MakeEnvelope(-180, -90, 180, 90, 4326) $$;
"""

# (table, the layer's slug as SQL over a changed row r, extra FROM clause)
ROW_TABLES = [
    ("layers_feature", "l.slug", "JOIN layers_layer AS l ON l.id = r.layer_id"),
    ("layers_facility", "'facilities'", ""),
    ("layers_administrativearea", "'areas'", ""),
]
# Tables whose any change alters a whole layer: (table, layer slugs as SQL over r).
WHOLE_TABLES = [
    ("layers_facilitycategory", "'facilities'"),
    ("layers_boundarygeneration", "'areas'"),
]


def _row_trigger_sql(table: str, slug: str, join: str, geom: str = "r.geom") -> str:
    function = f"tiles_forget_{table}"
    select = f"SELECT {{slug}}, {geom} FROM {{rows}} AS r {{join}}"
    body = f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ls text[];
    bs geometry[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(s.slug), array_agg(s.geom) INTO ls, bs
        FROM ({select.format(slug=slug, rows="new_rows", join=join)}) AS s (slug, geom);
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(s.slug), array_agg(s.geom) INTO ls, bs
        FROM ({select.format(slug=slug, rows="old_rows", join=join)}) AS s (slug, geom);
    ELSE
        SELECT array_agg(s.slug), array_agg(s.geom) INTO ls, bs
        FROM ({select.format(slug=slug, rows="old_rows", join=join)}
              UNION ALL
              {select.format(slug=slug, rows="new_rows", join=join)}) AS s (slug, geom);
    END IF;
    PERFORM tiles_forget(ls, bs);
    RETURN NULL;
END
$$;
CREATE TRIGGER {function}_i AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}();
CREATE TRIGGER {function}_u AFTER UPDATE ON {table}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {function}();
CREATE TRIGGER {function}_d AFTER DELETE ON {table}
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}();
"""
    return body


def _whole_trigger_sql(table: str, slug: str) -> str:
    function = f"tiles_forget_{table}"
    return f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM tiles_forget(ARRAY[{slug}], ARRAY[tiles_world()]);
    RETURN NULL;
END
$$;
CREATE TRIGGER {function}_iud AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION {function}();
"""


LAYER_ROW = """
CREATE OR REPLACE FUNCTION tiles_forget_layers_layer() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Title, schema, visibility or slug: every tile of the layer (old and new slug).
    IF TG_OP = 'DELETE' THEN
        PERFORM tiles_forget(ARRAY[OLD.slug], ARRAY[tiles_world()]);
        RETURN OLD;
    END IF;
    PERFORM tiles_forget(ARRAY[OLD.slug, NEW.slug], ARRAY[tiles_world(), tiles_world()]);
    RETURN NEW;
END
$$;
CREATE TRIGGER tiles_forget_layers_layer_ud AFTER UPDATE OR DELETE ON layers_layer
    FOR EACH ROW EXECUTE FUNCTION tiles_forget_layers_layer();
"""

FORWARD = "\n".join(
    [FORGET, LAYER_ROW]
    + [_row_trigger_sql(*t) for t in ROW_TABLES]
    + [_whole_trigger_sql(*t) for t in WHOLE_TABLES]
)


def _drop() -> str:
    statements = ["DROP TRIGGER IF EXISTS tiles_forget_layers_layer_ud ON layers_layer;"]
    statements.append("DROP FUNCTION IF EXISTS tiles_forget_layers_layer();")
    for table, *_rest in ROW_TABLES:
        for suffix in ("i", "u", "d"):
            statements.append(f"DROP TRIGGER IF EXISTS tiles_forget_{table}_{suffix} ON {table};")
        statements.append(f"DROP FUNCTION IF EXISTS tiles_forget_{table}();")
    for table, _slug in WHOLE_TABLES:
        statements.append(f"DROP TRIGGER IF EXISTS tiles_forget_{table}_iud ON {table};")
        statements.append(f"DROP FUNCTION IF EXISTS tiles_forget_{table}();")
    statements.append("DROP FUNCTION IF EXISTS tiles_forget(text[], geometry[]);")
    statements.append("DROP FUNCTION IF EXISTS tiles_world();")
    return "\n".join(statements)


class Migration(migrations.Migration):
    dependencies = [("tiles", "0001_cache"), ("layers", "0004_vn2000_tm3_srs")]

    operations = [migrations.RunSQL(FORWARD, _drop())]
