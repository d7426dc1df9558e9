"""The citizens' map page: MapLibre on the common map's vector tiles (map.js), with the
layer list, search, "Where am I?", reporting and the ward's own panel."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from layers.models import FacilityCategory


@require_GET
def map_page(request):
    """The public map page."""
    categories = FacilityCategory.objects.only("code", "name_vi", "name_en")
    english = (request.LANGUAGE_CODE or "vi").startswith("en")
    return render(
        request,
        "geoportal/map.html",
        {
            "nav": "map",
            "facility_categories": [
                (c.code, c.name_en if english else c.name_vi) for c in categories
            ],
        },
    )
