"""Query parameters of the areas and lookup APIs, each declared once: the FilterSet and
serializers here both parse them (``core.schema.read_query``) and document them in the
OpenAPI schema (``extend_schema(parameters=[...])``, or the FilterSet the schema reads), so
the two cannot drift. Values are checked by the parsers of ``layers.params``, whose errors
name the parameter and say how to fix it.
"""

import django_filters
from django.contrib.gis.geos import Polygon
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.schema import BLANK, BlankAsAbsent
from layers.feature_params import FOUR_VALUES
from layers.models import AdministrativeArea, AreaLevel, AreaType
from layers.names import search_form
from layers.params import parse_bbox, parse_date, parse_lon_lat, parse_positive_float

SIMPLIFY_MAX_M = 10_000.0


class BboxFilter(django_filters.CharFilter):
    """``minLon,minLat,maxLon,maxLat`` in WGS 84: the rows whose geometry touches the box."""

    def filter(self, queryset, value):
        """Rows intersecting the box; an empty value filters nothing."""
        if value in (None, ""):
            return queryset
        box = Polygon.from_bbox(parse_bbox(value))
        box.srid = 4326
        return queryset.filter(**{f"{self.field_name}__intersects": box})


def documented(filter_: django_filters.Filter, schema: dict) -> django_filters.Filter:
    """The filter, its parameter documented as ``schema`` or ``""`` (django-filter takes an
    empty value as absent) and described by its help text."""
    description = str(filter_.extra.get("help_text", ""))
    return extend_schema_field({"anyOf": [schema, BLANK], "description": description})(filter_)


class AreaFilter(django_filters.FilterSet):
    """level, type, parent_code, q (name, with or without diacritics), bbox."""

    level = documented(
        django_filters.ChoiceFilter(
            choices=AreaLevel.choices, help_text="province, district or ward."
        ),
        {"type": "string", "enum": AreaLevel.values},
    )
    type = documented(
        django_filters.ChoiceFilter(
            field_name="area_type",
            choices=AreaType.choices,
            help_text="The unit's type (phuong, xa...).",
        ),
        {"type": "string", "enum": AreaType.values},
    )
    parent_code = documented(
        django_filters.CharFilter(field_name="parent__code", help_text="The parent's code."),
        {"type": "string"},
    )
    q = documented(
        django_filters.CharFilter(
            method="filter_name", help_text="Part of the name; diacritics optional ('Ben Thanh')."
        ),
        {"type": "string"},
    )
    bbox = documented(
        BboxFilter(
            field_name="geom", help_text="minLon,minLat,maxLon,maxLat (WGS 84): areas touching it."
        ),
        {"type": "string", "pattern": FOUR_VALUES},
    )

    class Meta:
        model = AdministrativeArea
        fields = ["level", "type", "parent_code", "q", "bbox"]

    def filter_name(self, queryset, name, value):
        """Match the diacritic-free search form, so "ben thanh" finds "Bến Thành"."""
        return queryset.filter(name_search__contains=search_form(value))


@extend_schema_field(
    {
        "anyOf": [
            {"type": "number", "minimum": 0, "exclusiveMinimum": True, "maximum": SIMPLIFY_MAX_M},
            BLANK,
        ]
    }
)
class SimplifyField(serializers.Field):
    """A simplification tolerance in metres, in (0, 10000]; empty counts as absent."""

    def run_validation(self, data=serializers.empty):
        """None when absent, else the tolerance (InvalidParameter out of range)."""
        if data in (serializers.empty, None, ""):
            return None
        return parse_positive_float(self.field_name, data, maximum=SIMPLIFY_MAX_M)


class AreaQuery(serializers.Serializer):
    """``generation`` and ``simplify``: which boundaries, and how coarse their geometry."""

    generation = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Boundary generation slug (default: today's).",
    )
    simplify = SimplifyField(
        required=False,
        help_text="Simplify geometries with this tolerance in metres (at most 10000).",
    )


class CoordinateField(serializers.FloatField):
    """A longitude or latitude, passed through as sent: the serializer checks the pair
    together (``parse_lon_lat``), so a swapped pair gets its hint."""

    def run_validation(self, data=serializers.empty):
        """The raw value (a missing one is the pair's error to report)."""
        return None if data is serializers.empty else data


class DateField(BlankAsAbsent, serializers.DateField):
    """A YYYY-MM-DD date; empty or absent means today."""

    def run_validation(self, data=serializers.empty):
        """The date, today when absent (InvalidParameter when malformed)."""
        return parse_date(None if data is serializers.empty else data, timezone.localdate())


class LookupQuery(serializers.Serializer):
    """``lon``, ``lat`` (WGS 84) and ``date`` of a point lookup."""

    lon = CoordinateField(min_value=-180, max_value=180, help_text="Longitude, WGS 84.")
    lat = CoordinateField(min_value=-90, max_value=90, help_text="Latitude, WGS 84.")
    date = DateField(required=False, help_text="YYYY-MM-DD; default today.")

    def validate(self, attrs: dict) -> dict:
        """The pair as numbers in range (InvalidParameter naming the one at fault)."""
        lon, lat = parse_lon_lat(attrs.get("lon"), attrs.get("lat"))
        return {**attrs, "lon": lon, "lat": lat}


class DateQuery(serializers.Serializer):
    """``date`` alone (the batch lookup: the points come in the body)."""

    date = DateField(required=False, help_text="YYYY-MM-DD; default today.")
