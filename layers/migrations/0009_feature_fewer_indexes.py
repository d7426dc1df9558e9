"""Two indexes of ``layers_feature`` dropped: (layer_id) and (layer_id, id).

Since 0008 each layer is a partition: a query names its layer and is pruned to that one
table, where layer_id holds a single value. There (layer_id) indexes a constant, and the
primary key (id, layer_id) finds a feature by id and gives the order by id (pages,
exports) as (layer_id, id) did. Every import of a new or replaced layer built both for
nothing: 11% of its index step for a million points (importers/swap.py). Only an order
by layer_id then id over several layers at once lost its index, and no query asks for it
(the model's ordering sorts by the layer's slug, through a join). By name, as 0008 made
them; Django's state follows. The partition functions are made again: the import's index
build now gives GIN less memory (layers/partitions.py); the older one works with either
set of indexes, so going back keeps the new.
"""

import django.db.models.deletion
from django.db import migrations, models

from layers.partitions import FUNCTIONS

FORWARD = """
DROP INDEX layers_feat_layer_i_2ea64b_idx;
DROP INDEX layers_feature_layer_id_cbd2a8db;
"""

BACKWARD = """
CREATE INDEX layers_feat_layer_i_2ea64b_idx ON layers_feature (layer_id, id);
CREATE INDEX layers_feature_layer_id_cbd2a8db ON layers_feature (layer_id);
"""


class Migration(migrations.Migration):
    dependencies = [("layers", "0008_feature_partitions")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(FORWARD, BACKWARD)],
            state_operations=[
                migrations.RemoveIndex(model_name="feature", name="layers_feat_layer_i_2ea64b_idx"),
                migrations.AlterField(
                    model_name="feature",
                    name="layer",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="features",
                        to="layers.layer",
                    ),
                ),
            ],
        ),
        migrations.RunSQL(FUNCTIONS, migrations.RunSQL.noop),
    ]
