"""Writes tell the HTTP front cache (Varnish) what they changed: NOTIFY ``commonmap_front``.

``tiles_forget`` (kept as migration 0005 left it) now also sends, per distinct layer, one
notification with the extent of its boxes in EPSG:4326, or a whole-layer marker when the
boxes cover the world; ``manage.py front_purger`` (tiles/front_purge.py) LISTENs and turns
each into a ban of the front's answers tagged with that layer (core/front.py). NOTIFY is
delivered at commit, when the write becomes visible, and never for a rolled-back write.
Changes to an imported layer's own row (slug, title, visibility, staff-only, schema, new or
deleted) forget the whole layer and the registry marker "*" (the style and TileJSON list
the layers): the front cannot check visibility at read time as the PG tile cache does
(tiles/sql/cache_read_visible.sql), so a layer made staff-only must leave it at once.

Payloads (JSON, always < 8000 bytes: anything longer becomes ``{"all": true}``):
``{"layer": "slug", "bbox": [west, south, east, north]}``, ``{"layer": "slug", "whole":
true}`` (``"*"``: answers made from the list of layers), ``{"all": true}``.
"""

from django.db import migrations

FRONT = r"""
CREATE OR REPLACE FUNCTION tiles_front_notify(payload jsonb) RETURNS void
LANGUAGE sql AS $$
    SELECT pg_notify('commonmap_front',
                     CASE WHEN octet_length(payload::text) < 7900 THEN payload::text
                          ELSE '{"all": true}' END)
$$;

-- Every tagged answer of these layers (and the answers made from the list of layers).
CREATE OR REPLACE FUNCTION tiles_front_forget_whole(layer_names text[]) RETURNS void
LANGUAGE sql AS $$
    SELECT tiles_front_notify(jsonb_build_object('layer', l, 'whole', true))
    FROM (SELECT DISTINCT l FROM unnest(layer_names || ARRAY['*']) AS u (l)
          WHERE l IS NOT NULL) AS s
$$;

-- Every tagged answer of the front (tiles/cache.py clear() without a layer).
CREATE OR REPLACE FUNCTION tiles_front_forget_all() RETURNS void
LANGUAGE sql AS $$ SELECT tiles_front_notify('{"all": true}'::jsonb) $$;

-- Per distinct layer: the extent of its boxes, or the whole layer when they cover the world
-- (tiles_world(), a whole-layer trigger). Empty and NULL boxes forget nothing, as in
-- tiles_forget.
CREATE OR REPLACE FUNCTION tiles_front_forget(layer_names text[], boxes geometry[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT u.l, ST_Extent(ST_Transform(ST_Envelope(u.b), 4326)) AS e
        FROM unnest(layer_names, boxes) AS u (l, b)
        WHERE u.l IS NOT NULL AND u.b IS NOT NULL AND NOT ST_IsEmpty(u.b)
        GROUP BY u.l
    LOOP
        IF ST_XMin(r.e) <= -180 AND ST_XMax(r.e) >= 180
           AND ST_YMin(r.e) <= -85 AND ST_YMax(r.e) >= 85 THEN
            PERFORM tiles_front_forget_whole(ARRAY[r.l]);
        ELSE
            PERFORM tiles_front_notify(jsonb_build_object(
                'layer', r.l,
                'bbox', jsonb_build_array(ST_XMin(r.e), ST_YMin(r.e), ST_XMax(r.e), ST_YMax(r.e))));
        END IF;
    END LOOP;
END
$$;
"""

# tiles_forget as migration 0005 left it, plus the front's notification at the end.
FORGET_V3 = r"""
CREATE OR REPLACE FUNCTION tiles_forget(layer_names text[], boxes geometry[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    n int := coalesce(array_length(layer_names, 1), 0);
BEGIN
    IF n = 0 THEN
        RETURN;
    END IF;
    -- Writers hold a shared "write" lock per layer until they commit; a reader stores a
    -- tile only if nobody else holds it (tiles/cache.py). Readers hold a shared "store"
    -- lock while they store: taking and dropping it exclusively waits for the stores in
    -- flight, so the DELETE below sees every tile stored before this write was visible.
    PERFORM pg_advisory_xact_lock_shared(hashtext('tiles:' || l)),
            pg_advisory_lock(hashtext('tiles-store:' || l)),
            pg_advisory_unlock(hashtext('tiles-store:' || l))
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
    -- The HTTP front cache forgets the same answers when this write commits.
    PERFORM tiles_front_forget(layer_names, boxes);
END
$$;
"""

LAYER_ROW = r"""
CREATE OR REPLACE FUNCTION tiles_front_forget_layers_layer() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM tiles_front_forget_whole(ARRAY[NEW.slug]::text[]);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM tiles_front_forget_whole(ARRAY[OLD.slug]::text[]);
    ELSE
        PERFORM tiles_front_forget_whole(ARRAY[OLD.slug, NEW.slug]::text[]);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER tiles_front_layers_layer_i AFTER INSERT ON layers_layer
    FOR EACH ROW EXECUTE FUNCTION tiles_front_forget_layers_layer();
CREATE TRIGGER tiles_front_layers_layer_u AFTER UPDATE ON layers_layer
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*)
    EXECUTE FUNCTION tiles_front_forget_layers_layer();
CREATE TRIGGER tiles_front_layers_layer_d AFTER DELETE ON layers_layer
    FOR EACH ROW EXECUTE FUNCTION tiles_front_forget_layers_layer();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS tiles_front_layers_layer_i ON layers_layer;
DROP TRIGGER IF EXISTS tiles_front_layers_layer_u ON layers_layer;
DROP TRIGGER IF EXISTS tiles_front_layers_layer_d ON layers_layer;
DROP FUNCTION IF EXISTS tiles_front_forget_layers_layer();
"""


def _forget_v2() -> str:
    """tiles_forget as migration 0005 wrote it (the way back)."""
    from importlib import import_module

    return import_module("tiles.migrations.0005_readers_share_the_store_lock").FORGET_V2


# Tiles at the west and east edges were stored with envelopes wrapped round the antimeridian
# (their buffer beyond ±180°, tiles/sql/cache_store.sql now clips it): writes under them did
# not forget them. They are made again on their next request.
WRAPPED = "DELETE FROM tiles_cachedtile WHERE x = 0 OR x = (1 << z) - 1;"


class Migration(migrations.Migration):
    dependencies = [("tiles", "0006_drop_empty_cells")]

    operations = [
        migrations.RunSQL(
            FRONT + FORGET_V3 + LAYER_ROW + WRAPPED,
            BACKWARD
            + _forget_v2()
            + """
DROP FUNCTION IF EXISTS tiles_front_forget(text[], geometry[]);
DROP FUNCTION IF EXISTS tiles_front_forget_all();
DROP FUNCTION IF EXISTS tiles_front_forget_whole(text[]);
DROP FUNCTION IF EXISTS tiles_front_notify(jsonb);
""",
        )
    ]
