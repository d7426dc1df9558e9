"""``tiles_pointcell`` partitioned by layer (tiles/cell_partitions.py says why).

The table is made again as a partitioned parent with the same columns, key and partial
index; every point layer, ``facilities``, the delta layers and any layer that has cells now
get a partition; the cells move across in the key's order. A layer's recount on a change
of slug or geometry type makes its new slug's partition first.
"""

from django.db import migrations

from tiles.cell_deltas import DELTA_LAYERS
from tiles.cell_partitions import DROP_FUNCTIONS, FUNCTIONS
from tiles.pyramid import FEATURE_ROWS, apply_sql, signed

COLUMNS = """
    layer varchar(80) NOT NULL,
    z smallint NOT NULL,
    cx integer NOT NULL,
    cy integer NOT NULL,
    grp text NOT NULL DEFAULT '',
    n integer NOT NULL,
    sx double precision NOT NULL,
    sy double precision NOT NULL,
    PRIMARY KEY (layer, z, cx, cy, grp)
"""
KEPT = ", ".join(f"('{slug}')" for slug in ("facilities", *DELTA_LAYERS))
ONE_LAYER = signed(FEATURE_ROWS, "(SELECT * FROM layers_feature WHERE layer_id = NEW.id)", 1)


def _recount_layer(ensure: bool) -> str:
    """Migration 0004's recount of a layer whose slug, geometry type or counted attributes
    changed; with ``ensure``, its new slug's partition made first."""
    make = (
        "IF NEW.geometry_type IN ('Point', 'MultiPoint') THEN\n"
        "        PERFORM tiles_pointcell_ensure(NEW.slug);\n    END IF;"
        if ensure
        else ""
    )
    return f"""
CREATE OR REPLACE FUNCTION tiles_cells_recount_layer() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM tiles_pointcell WHERE layer IN (OLD.slug, NEW.slug);
    {make}
    {apply_sql(ONE_LAYER)};
    RETURN NULL;
END
$$;
"""


FORWARD = f"""
ALTER TABLE tiles_pointcell RENAME TO tiles_pointcell_unpartitioned;
ALTER INDEX tiles_pointcell_pkey RENAME TO tiles_pointcell_unpartitioned_pkey;
ALTER INDEX tiles_pointcell_empty RENAME TO tiles_pointcell_unpartitioned_empty;
CREATE TABLE tiles_pointcell ({COLUMNS}) PARTITION BY LIST (layer);
CREATE INDEX tiles_pointcell_empty ON tiles_pointcell (layer) WHERE n <= 0;
{FUNCTIONS}
SELECT tiles_pointcell_ensure(s.slug) FROM (
    SELECT slug::text FROM layers_layer WHERE geometry_type IN ('Point', 'MultiPoint')
    UNION SELECT k FROM (VALUES {KEPT}) AS k (k)
    UNION SELECT DISTINCT layer::text FROM tiles_pointcell_unpartitioned
) AS s (slug);
INSERT INTO tiles_pointcell
SELECT * FROM tiles_pointcell_unpartitioned ORDER BY layer, z, cx, cy, grp;
DROP TABLE tiles_pointcell_unpartitioned;
{_recount_layer(ensure=True)}
"""

BACKWARD = f"""
{_recount_layer(ensure=False)}
ALTER TABLE tiles_pointcell RENAME TO tiles_pointcell_partitioned;
ALTER INDEX tiles_pointcell_pkey RENAME TO tiles_pointcell_partitioned_pkey;
ALTER INDEX tiles_pointcell_empty RENAME TO tiles_pointcell_partitioned_empty;
CREATE TABLE tiles_pointcell ({COLUMNS});
CREATE INDEX tiles_pointcell_empty ON tiles_pointcell (layer) WHERE n <= 0;
INSERT INTO tiles_pointcell
SELECT * FROM tiles_pointcell_partitioned ORDER BY layer, z, cx, cy, grp;
DROP TABLE tiles_pointcell_partitioned;
{DROP_FUNCTIONS}
"""


class Migration(migrations.Migration):
    dependencies = [
        ("tiles", "0012_read_or_make_function"),
        ("layers", "0009_feature_fewer_indexes"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
