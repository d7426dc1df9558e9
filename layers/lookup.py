"""Which ward is this point in? Point-in-area lookups under the generation valid on a date.

One SQL statement answers a whole batch (``sql/lookup_points.sql``): the one ward rule
(``layers.wards``, ``sql/resolve_ward.sql``) picks the generation by date and tests the
points against the subdivided pieces of its areas, so that 10,000 points cost one round
trip; the statement adds each area's parents.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.utils.translation import gettext as _

from core.errors import NotFound
from layers.models import BoundaryGeneration
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


def resolve_points(
    points: Sequence[tuple[float, float]], day: date
) -> tuple[GenerationRef, list[LookupResult]]:
    """Resolve (lon, lat) points on ``day`` in one query; results are in input order."""
    with connection.cursor() as cursor:
        cursor.execute(
            with_ward_rule("lookup_points"),
            {"lons": [p[0] for p in points], "lats": [p[1] for p in points], "day": day},
        )
        rows = cursor.fetchall()
    if not rows:
        generation_on(day)  # raises NotFound with the dates that are covered
        raise NotFound(_("No points to look up."), parameter="points")
    generation = GenerationRef(*rows[0][:4])
    cache: dict[tuple, AreaRef] = {}

    def ref(values: tuple) -> AreaRef | None:
        if values[0] is None:
            return None
        if values not in cache:
            cache[values] = AreaRef(*values)
        return cache[values]

    results = []
    for row in rows:
        area, parent, grandparent = ref(row[4:8]), ref(row[8:12]), ref(row[12:16])
        parents = tuple(p for p in (parent, grandparent) if p is not None)
        results.append(LookupResult(area=area, parents=parents))
    return generation, results


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
