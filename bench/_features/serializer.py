"""The plain way: djangorestframework-gis ``GeoFeatureModelSerializer`` over the same rows,
rendered by DRF's ``JSONRenderer`` in a child process of its own (``--serializer-child``).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import _common
from _common import ROOT
from django.db import connection
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from _features.points import current_generation
from _features.ways import Export, Figures, Watched, measure
from layers.models import AdministrativeArea, Feature

# The child runs the benchmark's own script.
SCRIPT = Path(__file__).resolve().parents[1] / "features.py"


class PointSerializer(GeoFeatureModelSerializer):
    """The plain way: a feature of an imported layer, its attributes read one by one."""

    name = serializers.CharField(source="attributes.name")
    category = serializers.CharField(source="attributes.category")
    value = serializers.FloatField(source="attributes.value")
    rank = serializers.IntegerField(source="attributes.rank")

    class Meta:
        model = Feature
        geo_field = "geom"
        fields = ["id", "name", "category", "value", "rank"]


class WardSerializer(GeoFeatureModelSerializer):
    """The plain way: a ward with the properties the areas layer exports."""

    type = serializers.CharField(source="area_type")
    parent_code = serializers.CharField(source="parent.code", default=None)
    generation = serializers.CharField(source="generation.slug")

    class Meta:
        model = AdministrativeArea
        geo_field = "geom"
        id_field = "code"
        fields = [
            "code",
            "name",
            "level",
            "type",
            "parent_code",
            "generation",
            "official_area_km2",
            "geometry_is_synthetic",
        ]


def serialize_in_child(slug: str, repeats: int) -> dict:
    """Run the plain serializer over a layer in a fresh process (see ``serializer_child``)."""
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--serializer-child", slug, "--repeats", str(repeats)],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": _common.database_url(), "DJANGO_DEBUG": "0"},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"serializer run failed:\n{done.stderr}")
    return json.loads(done.stdout.splitlines()[-1])


def serializer_child(slug: str, repeats: int) -> None:
    """(In the child process.) Serialize and render the layer ``repeats`` times; print the
    best time, the peaks of this process and of its PostgreSQL backend, and the count."""
    if slug == "areas":
        serializer = WardSerializer
        queryset = (
            AdministrativeArea.objects.filter(generation=current_generation(), level="ward")
            .select_related("parent", "generation")
            .order_by("code")
        )
    else:
        serializer = PointSerializer
        queryset = Feature.objects.filter(layer__slug=slug).order_by("id")
    render = JSONRenderer().render
    render(serializer(queryset[:10], many=True).data)  # warm: imports, caches, connection
    watched = [Watched(os.getpid()), Watched(connection.connection.info.backend_pid)]
    seconds, body, (app, pg) = measure(
        repeats, lambda: render(serializer(queryset.all(), many=True).data), watched
    )
    answer = {"seconds": seconds, "app_mb": app, "postgres_mb": pg}
    print(json.dumps({**answer, "features": len(json.loads(body)["features"])}))


def run_serializer(job: Export) -> Figures:
    """The plain serializer, in a fresh process."""
    done = serialize_in_child(job.slug, job.serializer_repeats)
    return Figures(done["seconds"], done["app_mb"], done["postgres_mb"], done["features"])
