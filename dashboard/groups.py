"""Which group each leaf area counts in: itself, its former district, its former province,
or the city.

A leaf is a ward (or a district without wards, like Côn Đảo before 2025). The former
levels are those of the generation before today's (the day before its ``valid_from``):
the districts were abolished in 2025, so today's wards roll up to the former district that
holds their label point (the ward's official centre, put through the one point-to-ward
rule). Area overlap was considered and not chosen: the centre is the ward's official seat,
is computed with the same rule as every item, and assigns each ward wholly to one district,
so the rollups sum exactly to the city total. A former generation's own leaves roll up
through their own parents.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg import sql

from core.errors import InvalidParameter
from core.sql_files import load_sql
from layers.models import BoundaryGeneration
from layers.sql import load_sql as load_layers_sql
from layers.wards import generations_valid_on

LEVELS = ("ward", "district", "province", "city")
CITY_KEY = "city"


@dataclass(frozen=True)
class Group:
    """One row of the dashboard: an area (``area_id`` None for the city) and its name."""

    key: str
    code: str | None
    name: str
    area_id: int | None


@dataclass(frozen=True)
class Leaf:
    """A leaf area of the asked generation and what it rolls up to."""

    area_id: int
    code: str
    name: str
    district: Group | None
    province: Group | None


def with_ward_rule(name: str) -> str:
    """``dashboard/sql/<name>.sql`` with the one point-to-ward rule put in at
    ``{resolve_ward}`` (the rule's own file, ``layers/sql/resolve_ward.sql``)."""
    rule = sql.SQL(load_layers_sql("resolve_ward"))
    return sql.SQL(load_sql("dashboard", name)).format(resolve_ward=rule).as_string(None)


def current_generation() -> BoundaryGeneration:
    """Today's generation (400 naming ``generation`` when none is in force)."""
    found = generations_valid_on().first()
    if found is None:
        raise InvalidParameter(
            _("No boundary generation is in force today; name one."), parameter="generation"
        )
    return found


def generation_named(slug: str | None) -> BoundaryGeneration:
    """The generation with this slug; today's when absent or blank (400 when unknown)."""
    if slug is None or not slug.strip():
        return current_generation()
    found = BoundaryGeneration.objects.filter(slug=slug.strip()).first()
    if found is None:
        slugs = ", ".join(BoundaryGeneration.objects.values_list("slug", flat=True))
        raise InvalidParameter(
            _("Unknown generation {slug}; known: {slugs}.").format(slug=repr(slug), slugs=slugs),
            parameter="generation",
        )
    return found


def rollup_day(generation: BoundaryGeneration):
    """The day whose generation holds the former districts for ``generation``'s leaves:
    the day before it began when it is in force today, else its own first day."""
    if generation.valid_from <= timezone.localdate() and (
        generation.valid_to is None or generation.valid_to >= timezone.localdate()
    ):
        return generation.valid_from - timedelta(days=1)
    return generation.valid_from


def leaves_of(generation: BoundaryGeneration) -> list[Leaf]:
    """Every leaf area of ``generation`` with its former district and province."""
    with connection.cursor() as cursor:
        cursor.execute(
            with_ward_rule("leaf_groups"),
            {"generation_id": generation.pk, "day": rollup_day(generation)},
        )
        rows = cursor.fetchall()
    return [
        Leaf(
            area_id=row[0],
            code=row[1],
            name=row[2],
            district=Group(row[4], row[4], row[5], row[3]) if row[3] else None,
            province=Group(row[7], row[7], row[8], row[6]) if row[6] else None,
        )
        for row in rows
    ]


def group_of(leaf: Leaf, level: str) -> Group | None:
    """The group ``leaf`` counts in at ``level`` (None: no former unit holds it)."""
    if level == "ward":
        return Group(leaf.code, leaf.code, leaf.name, leaf.area_id)
    if level == "district":
        return leaf.district
    if level == "province":
        return leaf.province
    return Group(CITY_KEY, None, _("The city"), None)
