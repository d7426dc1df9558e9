"""Which ward is this point in? Point-in-area lookups under the generation valid on a date.

One SQL statement answers a whole batch (``sql/lookup_points.sql``): the one ward rule
(``layers.wards``, ``sql/resolve_ward.sql``) picks the generation by date and tests the
points against the subdivided pieces of its areas, so that 10,000 points cost one round
trip and come back as one array of area ids; a second statement
(``sql/lookup_areas.sql``) reads each distinct area once, with its parents.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.utils.translation import gettext as _

from core.errors import NotFound
from layers.models import BoundaryGeneration
from layers.sql import load_sql
from layers.wards import generations_valid_on, with_ward_rule


@dataclass(frozen=True)
class AreaRef:
    """The short description of an area that lookups return."""

    code: str
    name: str
    level: str
    type: str


@dataclass(frozen=True)
class GenerationRef:
    """The boundary generation a lookup used."""

    slug: str
    name: str
    valid_from: date
    valid_to: date | None


@dataclass(frozen=True)
class LookupResult:
    """The deepest area covering a point (or None) and its parents, nearest first."""

    area: AreaRef | None
    parents: tuple[AreaRef, ...]


def generation_on(day: date) -> BoundaryGeneration:
    """The boundary generation valid on ``day``; NotFound says which dates are covered."""
    generation = generations_valid_on(day).first()
    if generation is not None:
        return generation
    first = BoundaryGeneration.objects.order_by("valid_from").first()
    if first is None:
        raise NotFound(_("No boundary generation is loaded yet."), parameter="date")
    raise NotFound(
        _("No boundary generation is valid on {day}.").format(day=day.isoformat()),
        parameter="date",
        hint=_("Boundaries are known from {day} on.").format(day=first.valid_from.isoformat()),
    )


def _float_array(values: Iterable[float]) -> str:
    """A float8[] literal: ``repr`` is exact (the shortest text that reads back as the same
    double), and one string is dumped in a few milliseconds where psycopg's list dumper
    takes a tenth of a second for 20,000 floats."""
    return "{" + ",".join(map(repr, values)) + "}"


def resolve_points(
    points: Sequence[tuple[float, float]], day: date
) -> tuple[GenerationRef, list[LookupResult]]:
    """Resolve (lon, lat) points on ``day``; results are in input order.

    Two queries whatever the batch's size: the areas of all points (one array of ids), then
    each distinct area once with its parents. Points in the same area share one result.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            with_ward_rule("lookup_points"),
            {
                "lons": _float_array(p[0] for p in points),
                "lats": _float_array(p[1] for p in points),
                "day": day,
            },
        )
        row = cursor.fetchone()
        if row is None:
            generation_on(day)  # raises NotFound with the dates that are covered
            raise NotFound(_("No points to look up."), parameter="points")
        *generation, area_ids = row
        found = {i for i in area_ids if i is not None}
        areas = []
        if found:
            cursor.execute(load_sql("lookup_areas"), {"ids": sorted(found)})
            areas = cursor.fetchall()
    refs: dict[tuple, AreaRef] = {}

    def ref(values: tuple) -> AreaRef | None:
        if values[0] is None:
            return None
        return refs.setdefault(values, AreaRef(*values))

    outside = LookupResult(area=None, parents=())
    by_id: dict[int | None, LookupResult] = {None: outside}
    for values in areas:
        area_id = values[0]
        area, parent, grandparent = ref(values[1:5]), ref(values[5:9]), ref(values[9:13])
        parents = tuple(p for p in (parent, grandparent) if p is not None)
        by_id[area_id] = LookupResult(area=area, parents=parents)
    return GenerationRef(*generation), [by_id[i] for i in area_ids]


def resolve_point(lon: float, lat: float, on: date) -> tuple[GenerationRef, LookupResult]:
    """The area containing one point on a date; NotFound when it lies outside every area."""
    generation, (result,) = resolve_points([(lon, lat)], on)
    if result.area is None:
        raise NotFound(
            _(
                "The point lon={lon}, lat={lat} is outside every area of boundary generation "
                "{generation} (valid on {day})."
            ).format(lon=lon, lat=lat, generation=generation.slug, day=on.isoformat())
        )
    return generation, result
