"""The feature trigger of the point pyramid leaves alone the statements of a bulk import.

An import of a new or replaced layer sets ``commonmap.pyramid_bulk`` (transaction-local)
around its own INSERT and DELETE and recounts its layer once, set-based, in the same
transaction (tiles/pyramid.py ``recount_layer_sql``, importers/writer.py): 1,000,000 points
went through the trigger's transition table and upsert in one statement before.
"""

from django.db import migrations

from tiles.pyramid import FEATURE_ROWS, trigger_function_sql

FORWARD = trigger_function_sql("layers_feature", FEATURE_ROWS, skippable=True)
BACKWARD = trigger_function_sql("layers_feature", FEATURE_ROWS)


class Migration(migrations.Migration):
    dependencies = [("tiles", "0007_front_cache_notifications")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
