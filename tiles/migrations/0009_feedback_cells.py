"""The feedback layer's low-zoom cells from an append-only delta log (tiles/cell_deltas.py).

With 2,000,000 feedback items, cells counted from the raw points at every tile ("grid")
took the all-layers tile past its timeout. Reports now append +1/-1 rows to
``tiles_pointdelta`` (no unique constraint: inserts never wait on each other), the
compaction job folds them into ``tiles_pointcell``, and tiles read both. A category's code
renamed, or the items truncated, counts the layer again. The first fill counts the items
already there, set-based.
"""

from django.db import migrations

from feedback.public import feedback_spec
from tiles.cell_deltas import DELTA_TABLE, function_name, recount_function_sql
from tiles.cell_deltas import trigger_function_sql as deltas_function_sql

SPEC = feedback_spec()
FUNCTION = function_name(SPEC)

TABLE = f"""
CREATE TABLE {DELTA_TABLE} (
    layer varchar(80) NOT NULL,
    cx integer NOT NULL,
    cy integer NOT NULL,
    grp text NOT NULL DEFAULT '',
    n integer NOT NULL,
    sx double precision NOT NULL,
    sy double precision NOT NULL
);
"""

TRIGGERS = f"""
CREATE TRIGGER {FUNCTION}_i AFTER INSERT ON feedback_feedbackitem
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}();
CREATE TRIGGER {FUNCTION}_u AFTER UPDATE ON feedback_feedbackitem
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}();
CREATE TRIGGER {FUNCTION}_d AFTER DELETE ON feedback_feedbackitem
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}();
CREATE OR REPLACE FUNCTION tiles_deltas_relabel_feedback() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM tiles_deltas_recount_feedback();
    RETURN NULL;
END
$$;
CREATE TRIGGER tiles_deltas_feedback_category AFTER UPDATE ON feedback_feedbackcategory
    FOR EACH ROW WHEN (OLD.code IS DISTINCT FROM NEW.code)
    EXECUTE FUNCTION tiles_deltas_relabel_feedback();
CREATE TRIGGER {FUNCTION}_t AFTER TRUNCATE ON feedback_feedbackitem
    FOR EACH STATEMENT EXECUTE FUNCTION tiles_deltas_relabel_feedback();
"""

FORWARD = "\n".join(
    [
        TABLE,
        deltas_function_sql(SPEC),
        recount_function_sql(SPEC),
        TRIGGERS,
        "SELECT tiles_deltas_recount_feedback();",
    ]
)

BACKWARD = f"""
DROP TRIGGER IF EXISTS tiles_deltas_feedback_category ON feedback_feedbackcategory;
DROP FUNCTION IF EXISTS tiles_deltas_relabel_feedback();
DROP TRIGGER IF EXISTS {FUNCTION}_i ON feedback_feedbackitem;
DROP TRIGGER IF EXISTS {FUNCTION}_u ON feedback_feedbackitem;
DROP TRIGGER IF EXISTS {FUNCTION}_d ON feedback_feedbackitem;
DROP TRIGGER IF EXISTS {FUNCTION}_t ON feedback_feedbackitem;
DROP FUNCTION IF EXISTS {FUNCTION}();
DROP FUNCTION IF EXISTS tiles_deltas_recount_feedback();
DELETE FROM tiles_pointcell WHERE layer = 'feedback';
DROP TABLE IF EXISTS {DELTA_TABLE};
"""


class Migration(migrations.Migration):
    dependencies = [
        ("tiles", "0008_pyramid_skips_bulk_imports"),
        ("feedback", "0008_demo_categories_working_days"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
