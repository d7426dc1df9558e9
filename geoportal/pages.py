"""The citizens' map page: MapLibre on the common map's vector tiles (map.js), with the
layer list, search, "Where am I?", reporting and the ward's own panel."""

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_GET

from layers.models import FacilityCategory


@require_GET
def map_page(request):
    """The public map page."""
    categories = FacilityCategory.objects.only("code", "name_vi", "name_en", "group")
    english = (request.LANGUAGE_CODE or "vi").startswith("en")
    named = [(c, c.name_en if english else c.name_vi) for c in categories]
    return render(
        request,
        "geoportal/map.html",
        {
            "nav": "map",
            "facility_categories": [(c.code, name) for c, name in named],
            # The layer list's filter of facilities by category (map/layers_panel.js).
            "facility_category_list": [
                {"code": c.code, "name": name, "group": c.group} for c, name in named
            ],
            # The raster fallback draws MapProxy's tiles when it is set (map/engine_leaflet.js).
            "mapproxy_url": settings.COMMONMAP["MAPPROXY_URL"].rstrip("/"),
        },
    )
