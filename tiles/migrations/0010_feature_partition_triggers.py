"""The point pyramid's feature triggers back on ``layers_feature``, now a partitioned parent
(layers migration 0008 dropped them with the old table).

PostgreSQL 15 allows statement triggers with transition tables on a partitioned table
(not on a partition): a write through the parent reaches them with the rows of every
partition it touched. An import's standalone table, written before it is attached, fires
nothing; the importer recounts and forgets its layer itself (importers/writer.py).
"""

from django.db import migrations

from tiles.pyramid import FEATURE_ROWS, trigger_function_sql

TRIGGERS = """
DROP TRIGGER IF EXISTS tiles_cells_layers_feature_i ON layers_feature;
DROP TRIGGER IF EXISTS tiles_cells_layers_feature_u ON layers_feature;
DROP TRIGGER IF EXISTS tiles_cells_layers_feature_d ON layers_feature;
CREATE TRIGGER tiles_cells_layers_feature_i AFTER INSERT ON layers_feature
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION tiles_cells_layers_feature();
CREATE TRIGGER tiles_cells_layers_feature_u AFTER UPDATE ON layers_feature
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION tiles_cells_layers_feature();
CREATE TRIGGER tiles_cells_layers_feature_d AFTER DELETE ON layers_feature
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
    EXECUTE FUNCTION tiles_cells_layers_feature();
"""

# The function as migration 0008 left it, then its triggers on the parent.
FORWARD = trigger_function_sql("layers_feature", FEATURE_ROWS, skippable=True) + TRIGGERS

# Reversing layers 0008 recreates a plain table, without triggers: put them back on it.
BACKWARD = migrations.RunSQL.noop


class Migration(migrations.Migration):
    dependencies = [
        ("tiles", "0009_feedback_cells"),
        ("layers", "0008_feature_partitions"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
