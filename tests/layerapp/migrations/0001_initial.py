"""The noise readings table of the test app."""

import django.contrib.gis.db.models.fields
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [("layers", "0001_extensions")]

    operations = [
        migrations.CreateModel(
            name="NoiseReading",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("geom", django.contrib.gis.db.models.fields.PointField(srid=4326)),
                ("sensor", models.CharField(max_length=40)),
                ("decibels", models.FloatField()),
                ("measured_at", models.DateTimeField()),
                ("calibration_note", models.CharField(blank=True, max_length=200)),
            ],
        ),
    ]
