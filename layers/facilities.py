"""Facilities and their wards: which ward of the current boundary generation holds a point.

A facility's ward is derived from its location, never typed in: the rule is the point
lookup's (the ward whose polygon covers the point; on a shared border the lower code;
outside every ward none), applied to the generation that is valid now (``valid_to`` empty).
"""

from collections.abc import Iterable

from django.contrib.gis.geos import Point
from django.db import connection

from layers.models import LEVEL_RANK, AdministrativeArea, AreaLevel
from layers.sql import load_sql


def assign_wards(facility_ids: Iterable[int] | None = None) -> int:
    """Set the ward of the given facilities (all when None); returns how many rows changed.

    One UPDATE (``sql/assign_facility_wards.sql``) that writes only the rows whose ward
    changes, so running it again changes nothing.
    """
    ids = None if facility_ids is None else list(facility_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            load_sql("assign_facility_wards"),
            {"facility_ids": ids, "ward_rank": LEVEL_RANK[AreaLevel.WARD]},
        )
        return cursor.rowcount


def ward_for_point(point: Point) -> AdministrativeArea | None:
    """The current generation's ward covering ``point`` (lon/lat when it has no SRID).

    The same rule as ``assign_wards``: on a shared border the lower code, outside every
    ward None.
    """
    if point.srid is None:
        point = Point(point.x, point.y, srid=4326)
    return (
        AdministrativeArea.objects.filter(
            generation__valid_to__isnull=True,
            level=AreaLevel.WARD,
            pieces__level_rank=LEVEL_RANK[AreaLevel.WARD],
            pieces__geom__covers=point,
        )
        .order_by("code")
        .first()
    )
