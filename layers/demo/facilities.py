"""Demo facilities: a SYNTHETIC, deterministic set of public places in the current wards.

**None of these places is real.** Names, addresses, phone numbers, opening hours, sizes
and staff notes are made up so that the map, the search and the APIs have plausible data
to show: they follow the real patterns ("Ủy ban nhân dân Phường Bến Thành", "Số 12 đường
Lê Lợi, ...", "028 3822 1234") and use real street names, but no record describes an
actual building, and the positions are random points inside the (synthetic) ward shapes.

Every ward of the current generation gets one People's Committee, one public-service
centre, one police station and one health station next to its centre point; the other
categories are spread over the ward with ``ST_GeneratePoints`` (fixed seeds). Counts
per ward are a base that depends on the ward type plus a term that grows with the square
root of its area, so the small inner-city wards are denser than an area share would make
them. The same database gives the same facilities on every run; each carries a stable
``demo_key`` ("tieu_hoc-26734-2") that the loader upserts by.
"""

import math

from django.contrib.gis.geos import Point
from django.db import connection

from layers.demo.catalogue import (
    CENTRE_CATEGORIES,
    COMMON_STREETS,
    HCMC_STREETS,
    SPREAD_RATES,
)
from layers.demo.facility_details import (
    DemoWard,
    FacilitySpec,
    facility_spec,
    former_province,
    seeded_rng,
    short_name,
    spread_count,
)
from layers.models import AdministrativeArea, AreaLevel
from layers.sql import load_sql
from layers.wards import generations_valid_on


def _near_centre(area: AdministrativeArea, metres: float, angle: float) -> tuple[float, float]:
    """A point ``metres`` from the ward's centre point in direction ``angle``, inside it.

    Closer and closer to the centre (which is inside) until the point is inside too.
    """
    centre = area.label_point or area.geom.point_on_surface
    prepared = area.geom.prepared
    for _ in range(8):
        dx = metres * math.cos(angle) / (111_320 * math.cos(math.radians(centre.y)))
        dy = metres * math.sin(angle) / 110_574
        lon, lat = round(centre.x + dx, 7), round(centre.y + dy, 7)
        if prepared.contains(Point(lon, lat, srid=4326)):
            return lon, lat
        metres /= 2
    return centre.x, centre.y


def current_wards() -> list[AdministrativeArea]:
    """The ward-level units of the generation valid today, by code."""
    return list(
        AdministrativeArea.objects.filter(
            generation__in=generations_valid_on(), level=AreaLevel.WARD
        ).order_by("code")
    )


def demo_facilities() -> list[FacilitySpec]:
    """Generate the demo facilities for the wards of the current generation (deterministic)."""
    areas = current_wards()
    if not areas:
        raise RuntimeError("no current boundary generation: run load_demo_areas first")
    wards = []
    for area in areas:
        pool = COMMON_STREETS + (HCMC_STREETS if former_province(area.code)[1] else ())
        streets = seeded_rng(f"streets-{area.code}").sample(pool, 6)
        wards.append(DemoWard(area=area, short_name=short_name(area.name), streets=streets))

    specs: list[FacilitySpec] = []
    for ward in wards:
        angle = seeded_rng(f"centre-{ward.area.code}").uniform(0, 2 * math.pi)
        for k, (category, metres) in enumerate(CENTRE_CATEGORIES):
            lon, lat = _near_centre(ward.area, metres, angle + k * math.pi / 2)
            specs.append(facility_spec(ward, category, 1, lon, lat))

    plans = {w.area.code: [(c, spread_count(c, w.area)) for c in SPREAD_RATES] for w in wards}
    totals = {code: sum(n for _, n in plan) for code, plan in plans.items()}
    points: dict[str, list[tuple[float, float]]] = {code: [] for code in plans}
    with connection.cursor() as cursor:
        cursor.execute(
            load_sql("demo_spread_points"),
            {
                "codes": [c for c, n in totals.items() if n > 0],
                "counts": [n for n in totals.values() if n > 0],
                "generation_id": areas[0].generation_id,
            },
        )
        for code, lon, lat in cursor.fetchall():
            points[code].append((lon, lat))
    for ward in wards:
        it = iter(points[ward.area.code])
        for category, n in plans[ward.area.code]:
            for i in range(1, n + 1):
                lon, lat = next(it)
                specs.append(facility_spec(ward, category, i, lon, lat))
    return specs
