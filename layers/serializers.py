"""GeoJSON and JSON shapes of areas, generations and lookup results."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework_gis.fields import GeometryField
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from layers.models import AdministrativeArea, BoundaryGeneration
from layers.queries import parent_chain


class GenerationSerializer(serializers.ModelSerializer):
    """A boundary generation and its period of validity."""

    class Meta:
        model = BoundaryGeneration
        fields = ["slug", "name", "valid_from", "valid_to", "description", "source"]


class AreaRefSerializer(serializers.Serializer):
    """An area in short: code, name, level, type."""

    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()
    type = serializers.CharField()


@extend_schema_field(
    {
        "type": "object",
        "description": "GeoJSON MultiPolygon, WGS 84 longitude/latitude.",
        "properties": {
            "type": {"type": "string", "enum": ["MultiPolygon"]},
            "coordinates": {"type": "array", "items": {}},
        },
    }
)
class AreaGeometryField(GeometryField):
    """The area's (possibly simplified) geometry, annotated by the query as ``out_geom``."""


class AreaFeatureSerializer(GeoFeatureModelSerializer):
    """An area as a GeoJSON Feature, its code as the feature id."""

    geom = AreaGeometryField(source="out_geom", read_only=True)
    type = serializers.CharField(source="area_type")
    parent_code = serializers.CharField(source="parent.code", default=None, allow_null=True)
    generation = serializers.CharField(source="generation.slug")

    class Meta:
        model = AdministrativeArea
        geo_field = "geom"
        id_field = "code"
        fields = [
            "code",
            "name",
            "type",
            "level",
            "parent_code",
            "generation",
            "official_area_km2",
            "geometry_is_synthetic",
        ]


def _ref(area: AdministrativeArea) -> dict:
    return {"code": area.code, "name": area.name, "level": area.level, "type": area.area_type}


class AreaDetailSerializer(AreaFeatureSerializer):
    """One area with its parent chain and, across the 2025 reform, its successors."""

    parents = serializers.SerializerMethodField()
    successors = serializers.SerializerMethodField()
    predecessors = serializers.SerializerMethodField()
    geometry_source = serializers.CharField()

    class Meta(AreaFeatureSerializer.Meta):
        fields = [
            *AreaFeatureSerializer.Meta.fields,
            "geometry_source",
            "parents",
            "successors",
            "predecessors",
        ]

    def get_parents(self, area) -> list[dict]:
        """Parents nearest first."""
        return [_ref(p) for p in parent_chain(area)]

    def get_successors(self, area) -> list[dict]:
        """The later units this one went into (whole or part)."""
        return [
            {
                **_ref(s.new_area),
                "generation": s.new_area.generation.slug,
                "whole": s.is_whole,
                "main": s.is_default,
            }
            for s in area.successors.select_related("new_area__generation")
        ]

    def get_predecessors(self, area) -> list[dict]:
        """The earlier units that went (whole or part) into this one."""
        return [
            {
                **_ref(s.old_area),
                "generation": s.old_area.generation.slug,
                "whole": s.is_whole,
                "main": s.is_default,
            }
            for s in area.predecessors.select_related("old_area__generation")
        ]
