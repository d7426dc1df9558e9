"""The city's extent: what "outside the city" means for an imported feature."""

from django.contrib.gis.db.models import Extent

from layers.models import AdministrativeArea

# Used only while no boundary generation is loaded: Ho Chi Minh City since July 2025
# (Bình Dương and Bà Rịa - Vũng Tàu included, Côn Đảo in the south).
_FALLBACK = (106.3, 8.5, 107.7, 11.6)


def city_extent() -> tuple[float, float, float, float]:
    """(west, south, east, north) of the current generation's areas, in degrees."""
    box = AdministrativeArea.objects.filter(generation__valid_to__isnull=True).aggregate(
        box=Extent("geom")
    )["box"]
    return tuple(box) if box else _FALLBACK
