"""Layer and category edits forget tiles and recount points only when something that tiles
show really changed, and recount only the layer concerned.

Django's ``save()`` writes every column, so "UPDATE OF slug" fired on any edit of a layer:
an admin save recounted every point layer (minutes with millions of points).
"""

from django.db import migrations

from tiles.pyramid import FACILITY_ROWS, FEATURE_ROWS, apply_sql, signed

LAYER_CHANGED = (
    "OLD.slug IS DISTINCT FROM NEW.slug "
    "OR OLD.attribute_schema IS DISTINCT FROM NEW.attribute_schema "
    "OR OLD.is_public IS DISTINCT FROM NEW.is_public "
    "OR OLD.is_hidden IS DISTINCT FROM NEW.is_hidden "
    "OR OLD.geometry_type IS DISTINCT FROM NEW.geometry_type "
    "OR OLD.cluster_attributes IS DISTINCT FROM NEW.cluster_attributes"
)
COUNTED_CHANGED = (
    "OLD.slug IS DISTINCT FROM NEW.slug "
    "OR OLD.geometry_type IS DISTINCT FROM NEW.geometry_type "
    "OR OLD.cluster_attributes IS DISTINCT FROM NEW.cluster_attributes"
)
ONE_LAYER = signed(FEATURE_ROWS, "(SELECT * FROM layers_feature WHERE layer_id = NEW.id)", 1)
FACILITIES = signed(FACILITY_ROWS, "layers_facility", 1)

FORWARD = f"""
DROP TRIGGER IF EXISTS tiles_forget_layers_layer_ud ON layers_layer;
CREATE TRIGGER tiles_forget_layers_layer_u AFTER UPDATE ON layers_layer
    FOR EACH ROW WHEN ({LAYER_CHANGED}) EXECUTE FUNCTION tiles_forget_layers_layer();
CREATE TRIGGER tiles_forget_layers_layer_d AFTER DELETE ON layers_layer
    FOR EACH ROW EXECUTE FUNCTION tiles_forget_layers_layer();

DROP TRIGGER IF EXISTS tiles_cells_layer ON layers_layer;
DROP TRIGGER IF EXISTS tiles_cells_category ON layers_facilitycategory;
CREATE OR REPLACE FUNCTION tiles_cells_recount_layer() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM tiles_pointcell WHERE layer IN (OLD.slug, NEW.slug);
    {apply_sql(ONE_LAYER)};
    RETURN NULL;
END
$$;
CREATE TRIGGER tiles_cells_layer AFTER UPDATE ON layers_layer
    FOR EACH ROW WHEN ({COUNTED_CHANGED}) EXECUTE FUNCTION tiles_cells_recount_layer();
CREATE OR REPLACE FUNCTION tiles_cells_recount_facilities() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM tiles_pointcell WHERE layer = 'facilities';
    {apply_sql(FACILITIES)};
    RETURN NULL;
END
$$;
CREATE TRIGGER tiles_cells_category AFTER UPDATE ON layers_facilitycategory
    FOR EACH ROW WHEN (OLD.code IS DISTINCT FROM NEW.code)
    EXECUTE FUNCTION tiles_cells_recount_facilities();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS tiles_cells_category ON layers_facilitycategory;
DROP TRIGGER IF EXISTS tiles_cells_layer ON layers_layer;
DROP FUNCTION IF EXISTS tiles_cells_recount_facilities();
DROP FUNCTION IF EXISTS tiles_cells_recount_layer();
CREATE TRIGGER tiles_cells_category AFTER UPDATE OF code OR TRUNCATE ON layers_facilitycategory
    FOR EACH STATEMENT EXECUTE FUNCTION tiles_cells_relabel();
CREATE TRIGGER tiles_cells_layer AFTER UPDATE OF slug, geometry_type, cluster_attributes
    ON layers_layer FOR EACH STATEMENT EXECUTE FUNCTION tiles_cells_relabel();
DROP TRIGGER IF EXISTS tiles_forget_layers_layer_u ON layers_layer;
DROP TRIGGER IF EXISTS tiles_forget_layers_layer_d ON layers_layer;
CREATE TRIGGER tiles_forget_layers_layer_ud AFTER UPDATE OR DELETE ON layers_layer
    FOR EACH ROW EXECUTE FUNCTION tiles_forget_layers_layer();
"""


class Migration(migrations.Migration):
    dependencies = [("tiles", "0003_point_pyramid")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
