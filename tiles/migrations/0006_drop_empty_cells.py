"""Deletes and moves drop the pyramid cells they empty (deleting 2,000,000 points had left
2,078,929 rows with a count of zero)."""

from django.db import migrations

from tiles.pyramid import FACILITY_ROWS, FEATURE_ROWS, trigger_function_sql

FORWARD = "\n".join(
    [
        "CREATE INDEX tiles_pointcell_empty ON tiles_pointcell (layer) WHERE n <= 0;",
        "DELETE FROM tiles_pointcell WHERE n <= 0;",
        trigger_function_sql("layers_feature", FEATURE_ROWS),
        trigger_function_sql("layers_facility", FACILITY_ROWS),
    ]
)


class Migration(migrations.Migration):
    dependencies = [("tiles", "0005_readers_share_the_store_lock")]

    operations = [
        migrations.RunSQL(FORWARD, "DROP INDEX IF EXISTS tiles_pointcell_empty;"),
    ]
