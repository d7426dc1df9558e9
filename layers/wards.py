"""Which ward is this point in? The one point-to-ward rule, for one point or many.

The rule lives in one SQL file (``sql/resolve_ward.sql``): the boundary generation valid
on the given day (today unless told), the deepest of its areas whose polygon covers the
point, tested against the subdivided pieces; on a shared border the lower code; outside
every ward none. Every statement that needs a point's ward (facility assignment, the
point lookup, place search) includes that file through ``with_ward_rule``, so the rule
and its meaning of "current" are written once: a generation loaded ahead of its date
routes nothing before that date.
"""

from collections.abc import Sequence
from datetime import date
from functools import cache

from django.contrib.gis.geos import Point
from django.db.models import Q, QuerySet
from django.utils import timezone
from psycopg import sql

from layers.models import LEVEL_RANK, AdministrativeArea, AreaLevel, BoundaryGeneration
from layers.sql import load_sql

WARD_RANK = LEVEL_RANK[AreaLevel.WARD]


@cache
def with_ward_rule(name: str) -> str:
    """The statement ``sql/<name>.sql`` with the ward rule put in at ``{resolve_ward}``.

    The including statement defines the CTE ``points (key, geom)`` and binds ``day``.
    Only SQL text is composed (values are bound at execution), so no connection is needed.
    """
    statement = sql.SQL(load_sql(name)).format(resolve_ward=sql.SQL(load_sql("resolve_ward")))
    return statement.as_string(None)


def valid_on(day: date | None = None) -> Q:
    """The filter on BoundaryGeneration for the generation valid on ``day`` (today)."""
    day = day or timezone.localdate()
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def generations_valid_on(day: date | None = None) -> QuerySet[BoundaryGeneration]:
    """The boundary generation(s) valid on ``day`` (today): at most one, periods never overlap."""
    return BoundaryGeneration.objects.filter(valid_on(day))


def in_force(generation: BoundaryGeneration, on: date | None = None) -> bool:
    """True when ``generation`` is the one valid on ``on`` (today)."""
    day = on or timezone.localdate()
    return generation.valid_from <= day and (
        generation.valid_to is None or generation.valid_to >= day
    )


def resolve_wards(
    points: Sequence[Point], on: date | None = None
) -> list[AdministrativeArea | None]:
    """The ward of each point (lon/lat when it has no SRID) on ``on`` (today), in input order.

    One query for the whole batch; None for a point outside every ward of that day's
    generation (or when no generation is valid that day).
    """
    lons, lats = [], []
    for point in points:
        if point.srid not in (None, 4326):
            point = point.transform(4326, clone=True)
        lons.append(point.x)
        lats.append(point.y)
    if not lons:
        return []
    found = AdministrativeArea.objects.raw(
        with_ward_rule("wards_of_points"),
        {"lons": lons, "lats": lats, "day": on or timezone.localdate(), "ward_rank": WARD_RANK},
    )
    by_key = {area.point_key: area for area in found}
    return [by_key.get(key) for key in range(1, len(lons) + 1)]


def resolve_ward(point: Point, on: date | None = None) -> AdministrativeArea | None:
    """The ward holding ``point`` on ``on`` (today); None outside every ward."""
    (ward,) = resolve_wards([point], on)
    return ward
