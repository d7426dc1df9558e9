"""The point pyramid keeps levels 0 to 14; level 15 goes (tiles/pyramid.py ``TOP_LEVEL``).

A level-15 cell was drawn only in a zoom-15 tile of more than 8,000 points, and that level
held about one cell per point: 43 % of the cells of a million-point layer, none of them
drawn. A dense zoom-15 tile now counts its cells from its points as it is made
(tiles/mvt.py). Coarser levels keep their cells: a level's grid does not depend on the
finest one (each level halves the one below, and the halving of a floor is the floor of
the halving).

The triggers' functions are made again from the code (they wrote 16 levels); the pending
feedback deltas, kept at the finest level's cells, are folded into the pyramid first (the
fold finds each delta's cells again from its point, so it reads level-15 deltas right);
then the level-15 cells are deleted.

Going back leaves the pyramid without level 15, so the previous code would draw points in
every zoom-15 tile until its ``rebuild_sql`` counted the pyramid again.
"""

from django.db import migrations

from feedback.public import feedback_spec
from tiles.cell_deltas import COMPACT_SQL, recount_function_sql
from tiles.cell_deltas import trigger_function_sql as deltas_function_sql
from tiles.pyramid import (
    DROP_EMPTY_SQL,
    FACILITY_ROWS,
    FEATURE_ROWS,
    TOP_LEVEL,
    trigger_function_sql,
)

SPEC = feedback_spec()

FORWARD = "\n".join(
    [
        trigger_function_sql("layers_feature", FEATURE_ROWS, skippable=True),
        trigger_function_sql("layers_facility", FACILITY_ROWS),
        deltas_function_sql(SPEC),
        recount_function_sql(SPEC),
        f"{COMPACT_SQL};",
        f"{DROP_EMPTY_SQL};",
        f"DELETE FROM tiles_pointcell WHERE z > {TOP_LEVEL};",
    ]
)


class Migration(migrations.Migration):
    dependencies = [("tiles", "0010_feature_partition_triggers")]

    operations = [migrations.RunSQL(FORWARD, migrations.RunSQL.noop)]
