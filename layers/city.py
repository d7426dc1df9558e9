"""The city the common map is of: its extent and its centre.

The boundary generation valid today (``layers.wards.valid_on``: one loaded ahead of its
date does not count yet) draws the city; until one is loaded, a fixed box stands in. The
importers flag features outside the extent; the map style and TileJSON centre on the
city and keep their bounds inside it, so that one stray feature (a point at 0,0) cannot
move the map into the ocean.
"""

from datetime import date

from django.contrib.gis.db.models import Extent

from layers.models import AdministrativeArea, AreaLevel
from layers.wards import generations_valid_on

# Used only while no boundary generation is loaded: Ho Chi Minh City since July 2025
# (Bình Dương and Bà Rịa - Vũng Tàu included, Côn Đảo in the south).
_FALLBACK = (106.3, 8.5, 107.7, 11.6)
# Bến Thành, the city's centre, for the same case.
_FALLBACK_CENTRE = (106.6981, 10.7725)


def _current(on: date | None = None):
    return AdministrativeArea.objects.filter(generation__in=generations_valid_on(on))


def city_extent(on: date | None = None) -> tuple[float, float, float, float]:
    """(west, south, east, north) of the areas valid on ``on`` (today), in degrees."""
    box = _current(on).aggregate(box=Extent("geom"))["box"]
    return tuple(box) if box else _FALLBACK


def city_centre(on: date | None = None) -> tuple[float, float]:
    """(lon, lat) of the city: the label point of the top area valid on ``on`` (today).

    Not the middle of the extent: Côn Đảo, far out at sea, pulls that into the water.
    """
    city = (
        _current(on)
        .filter(level=AreaLevel.PROVINCE, label_point__isnull=False)
        .order_by("code")
        .values_list("label_point", flat=True)
        .first()
    )
    return (city.x, city.y) if city is not None else _FALLBACK_CENTRE


def clamp_to_city(
    box: tuple[float, float, float, float] | None,
) -> tuple[float, float, float, float]:
    """``box`` cut to the city's extent; the city's extent when nothing of it is inside."""
    west, south, east, north = city_extent()
    if box is None:
        return west, south, east, north
    clamped = (max(box[0], west), max(box[1], south), min(box[2], east), min(box[3], north))
    if clamped[0] > clamped[2] or clamped[1] > clamped[3]:
        return west, south, east, north
    return clamped
