"""Query parameters of the areas list, as a django-filter FilterSet."""

import django_filters
from django.contrib.gis.geos import Polygon

from layers.models import AdministrativeArea, AreaLevel, AreaType
from layers.names import search_form
from layers.params import parse_bbox


class AreaFilter(django_filters.FilterSet):
    """level, type, parent (code), q (name, with or without diacritics), bbox."""

    level = django_filters.ChoiceFilter(choices=AreaLevel.choices)
    type = django_filters.ChoiceFilter(field_name="area_type", choices=AreaType.choices)
    parent = django_filters.CharFilter(field_name="parent__code", help_text="Parent's code.")
    q = django_filters.CharFilter(
        method="filter_name", help_text="Part of the name; diacritics optional ('Ben Thanh')."
    )
    bbox = django_filters.CharFilter(
        method="filter_bbox", help_text="minLon,minLat,maxLon,maxLat (WGS 84): areas touching it."
    )

    class Meta:
        model = AdministrativeArea
        fields = ["level", "type", "parent", "q", "bbox"]

    def filter_name(self, queryset, name, value):
        """Match the diacritic-free search form, so "ben thanh" finds "Bến Thành"."""
        return queryset.filter(name_search__contains=search_form(value))

    def filter_bbox(self, queryset, name, value):
        """Areas whose geometry intersects the box."""
        box = Polygon.from_bbox(parse_bbox(value))
        box.srid = 4326
        return queryset.filter(geom__intersects=box)
