"""The public location of an item, kept by the database, and the tiles that show it.

``public_geom`` is the exact point snapped to a grid of the category's
``public_precision_m`` metres (in UTM 48N, the city's zone), set by a trigger on every
insert and move, and recomputed for all of a category's items when its precision changes:
no path (API, admin, psql) can leave an exact point in a public output. Writes to items and
categories forget the cached vector tiles of the "feedback" layer they touch: the tiles app
installs those triggers after every migrate from the layer's declaration (feedback/public.py,
tiles/triggers.py); unapplying this migration drops them with the column they read.
"""

import django.contrib.gis.db.models.fields
from django.db import migrations

COARSEN = """
CREATE OR REPLACE FUNCTION feedback_coarsen(g geometry, metres integer)
RETURNS geometry LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN g IS NULL OR coalesce(metres, 0) <= 0 THEN g
                ELSE ST_Transform(ST_SnapToGrid(ST_Transform(g, 32648), metres), 4326) END
$$;

CREATE OR REPLACE FUNCTION feedback_item_public_geom() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.public_geom := feedback_coarsen(
        NEW.geom,
        (SELECT c.public_precision_m FROM feedback_feedbackcategory AS c
         WHERE c.id = NEW.category_id));
    RETURN NEW;
END
$$;
CREATE TRIGGER feedback_item_public_geom BEFORE INSERT OR UPDATE ON feedback_feedbackitem
    FOR EACH ROW EXECUTE FUNCTION feedback_item_public_geom();

CREATE OR REPLACE FUNCTION feedback_category_precision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE feedback_feedbackitem SET public_geom = feedback_coarsen(geom, NEW.public_precision_m)
    WHERE category_id = NEW.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER feedback_category_precision AFTER UPDATE ON feedback_feedbackcategory
    FOR EACH ROW WHEN (OLD.public_precision_m IS DISTINCT FROM NEW.public_precision_m)
    EXECUTE FUNCTION feedback_category_precision();

UPDATE feedback_feedbackitem SET geom = geom;  -- existing items get theirs
"""

UNDO = """
DROP TRIGGER IF EXISTS feedback_category_precision ON feedback_feedbackcategory;
DROP FUNCTION IF EXISTS feedback_category_precision();
DROP TRIGGER IF EXISTS feedback_item_public_geom ON feedback_feedbackitem;
DROP FUNCTION IF EXISTS feedback_item_public_geom();
DROP FUNCTION IF EXISTS feedback_coarsen(geometry, integer);
"""

TILE_UNDO = "\n".join(
    [
        f"DROP TRIGGER IF EXISTS tiles_forget_feedback_feedbackitem_{s} ON feedback_feedbackitem;"
        for s in "iud"
    ]
    + [
        "DROP FUNCTION IF EXISTS tiles_forget_feedback_feedbackitem();",
        "DROP TRIGGER IF EXISTS tiles_forget_feedback_feedbackcategory_iud "
        "ON feedback_feedbackcategory;",
        "DROP FUNCTION IF EXISTS tiles_forget_feedback_feedbackcategory();",
    ]
)


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0003_photos_idempotency_rate_limits_api_keys"),
        ("tiles", "0006_drop_empty_cells"),
    ]

    operations = [
        migrations.AddField(
            model_name="feedbackitem",
            name="public_geom",
            field=django.contrib.gis.db.models.fields.PointField(
                editable=False,
                help_text="The location shown publicly: snapped to the category's grid.",
                null=True,
                srid=4326,
            ),
        ),
        migrations.RunSQL(COARSEN, UNDO),
        # Forward: nothing (tiles/apps.py installs the triggers after migrate).
        migrations.RunSQL(migrations.RunSQL.noop, TILE_UNDO),
    ]
