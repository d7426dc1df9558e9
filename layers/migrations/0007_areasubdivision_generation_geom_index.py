"""Lookup pieces indexed by (generation, geom) in one GiST index (btree_gist), replacing the
separate indexes on the generation and on the geometry (see AreaSubdivision)."""

import django.contrib.gis.db.models.fields
import django.contrib.postgres.indexes
import django.db.models.deletion
from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("layers", "0006_attributes_gin_path_ops"),
    ]

    operations = [
        BtreeGistExtension(),
        migrations.AlterField(
            model_name="areasubdivision",
            name="generation",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                to="layers.boundarygeneration",
            ),
        ),
        migrations.AlterField(
            model_name="areasubdivision",
            name="geom",
            field=django.contrib.gis.db.models.fields.PolygonField(spatial_index=False, srid=4326),
        ),
        migrations.AddIndex(
            model_name="areasubdivision",
            index=django.contrib.postgres.indexes.GistIndex(
                fields=["generation", "geom"], name="areasubdivision_gen_geom"
            ),
        ),
    ]
