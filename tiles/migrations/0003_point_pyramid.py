"""The point-count pyramid (tiles/pyramid.py): its table, the triggers that keep it current,
and a first fill from the data already there."""

from django.db import migrations

from tiles.pyramid import FACILITY_ROWS, FEATURE_ROWS, apply_sql, rebuild_sql, signed

TABLE = """
CREATE TABLE tiles_pointcell (
    layer varchar(80) NOT NULL,
    z smallint NOT NULL,
    cx integer NOT NULL,
    cy integer NOT NULL,
    grp text NOT NULL DEFAULT '',
    n integer NOT NULL,
    sx double precision NOT NULL,
    sy double precision NOT NULL,
    PRIMARY KEY (layer, z, cx, cy, grp)
);
"""


def _trigger(table: str, rows: str) -> str:
    function = f"tiles_cells_{table}"
    new = signed(rows, "new_rows", 1)
    old = signed(rows, "old_rows", -1)
    return f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {apply_sql(new)};
    ELSIF TG_OP = 'DELETE' THEN
        {apply_sql(old)};
    ELSE
        {apply_sql(new + " UNION ALL " + old)};
    END IF;
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


WHOLE = f"""
CREATE OR REPLACE FUNCTION tiles_cells_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    {rebuild_sql()};
END
$$;
CREATE OR REPLACE FUNCTION tiles_cells_relabel() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- A category's code or a layer's slug or geometry type changed: count again.
    PERFORM tiles_cells_rebuild();
    RETURN NULL;
END
$$;
CREATE TRIGGER tiles_cells_category AFTER UPDATE OF code OR TRUNCATE ON layers_facilitycategory
    FOR EACH STATEMENT EXECUTE FUNCTION tiles_cells_relabel();
CREATE TRIGGER tiles_cells_layer AFTER UPDATE OF slug, geometry_type, cluster_attributes ON layers_layer
    FOR EACH STATEMENT EXECUTE FUNCTION tiles_cells_relabel();
"""

FORWARD = "\n".join(
    [
        TABLE,
        _trigger("layers_feature", FEATURE_ROWS),
        _trigger("layers_facility", FACILITY_ROWS),
        WHOLE,
        "SELECT tiles_cells_rebuild();",
    ]
)

BACKWARD = """
DROP TRIGGER IF EXISTS tiles_cells_layer ON layers_layer;
DROP TRIGGER IF EXISTS tiles_cells_category ON layers_facilitycategory;
DROP FUNCTION IF EXISTS tiles_cells_relabel();
DROP FUNCTION IF EXISTS tiles_cells_rebuild();
DROP TRIGGER IF EXISTS tiles_cells_layers_feature_i ON layers_feature;
DROP TRIGGER IF EXISTS tiles_cells_layers_feature_u ON layers_feature;
DROP TRIGGER IF EXISTS tiles_cells_layers_feature_d ON layers_feature;
DROP FUNCTION IF EXISTS tiles_cells_layers_feature();
DROP TRIGGER IF EXISTS tiles_cells_layers_facility_i ON layers_facility;
DROP TRIGGER IF EXISTS tiles_cells_layers_facility_u ON layers_facility;
DROP TRIGGER IF EXISTS tiles_cells_layers_facility_d ON layers_facility;
DROP FUNCTION IF EXISTS tiles_cells_layers_facility();
DROP TABLE IF EXISTS tiles_pointcell;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("tiles", "0002_invalidation_triggers"),
        ("layers", "0005_layer_cluster_attributes"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
