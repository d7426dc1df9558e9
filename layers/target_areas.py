"""Target areas: where a survey or a notice applies, given three ways, checked once.

An area is asked for as a dict (the ``area`` object of a request body):

- ``{"kind": "wards", "wards": ["26734", ...], "generation": "2025-07"}``: a set of ward
  codes of a named boundary generation (the one valid today when ``generation`` is left
  out; the pre-2025 one may be named too);
- ``{"kind": "polygon", "polygon": {GeoJSON Polygon or MultiPolygon, WGS 84}}``: a drawn
  polygon, bounded in size, repaired with ``ST_MakeValid`` when it crosses itself (the
  repair is reported in ``TargetArea.repairs``) and refused when nothing with an area is
  left, or when it lies wholly outside the city;
- ``{"kind": "radius", "lon": 106.7, "lat": 10.77, "radius_m": 500}``: a circle of
  10 m to 50 km around a point inside the city.

``target_area(spec)`` returns one ``TargetArea`` (the MultiPolygon in EPSG:4326, a human
description, the wards it reaches) or raises ``core.errors.InvalidParameter`` naming the
field at fault (``area.wards``, ``area.polygon``, ``area.radius_m``...).

"Covers" has one meaning for every user (``covers`` in Python, ``covers_sql`` in SQL, both
from ``sql/target_area_covers.sql``): a point on the area's border is inside; a radius
area is decided by distance, so a point at exactly the radius is inside.
"""

import json
import math
from dataclasses import dataclass, field
from datetime import date

from django.contrib.gis.db.models import Union
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Point, Polygon
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg import sql
from pyproj import Geod

from core.errors import InvalidParameter
from layers.models import AdministrativeArea, AreaLevel, BoundaryGeneration
from layers.sql import load_sql
from layers.wards import WARD_RANK, generations_valid_on, resolve_ward

KINDS = ("wards", "polygon", "radius")
MAX_WARDS = 200
MAX_POLYGON_CHARS = 500_000  # the GeoJSON text, before any parsing by PostGIS
MAX_POLYGON_VERTICES = 5_000
MAX_POLYGON_PARTS = 50
MIN_RADIUS_M = 10.0
MAX_RADIUS_M = 50_000.0
# Slack on "at exactly the radius": spheroid distances from pyproj and PostGIS agree far
# closer than this; the same value is in sql/target_area_covers.sql.
RADIUS_SLACK_M = 0.01
_GEOD = Geod(ellps="WGS84")


@dataclass(frozen=True)
class TargetArea:
    """A checked target area: kind, MultiPolygon (EPSG:4326), description and wards.

    ``ward_codes`` are the chosen wards for a ward set, else the wards (of the generation
    valid today) whose ground the area shares; ``generation`` is the slug they belong to.
    ``current_wards`` are always the wards of the generation in force whose ground the
    area shares (for a scope check: a ward set of the old generation reaches today's
    wards). ``center`` and ``radius_m`` are set for a radius area only. ``repairs`` says
    what was repaired in a drawn polygon (empty when nothing was).
    """

    kind: str
    geom: MultiPolygon
    description: str
    ward_codes: tuple[str, ...]
    generation: str
    current_wards: tuple[str, ...] = ()
    center: Point | None = None
    radius_m: float | None = None
    repairs: tuple[str, ...] = field(default=())


def target_area(spec: object, *, prefix: str = "area", on: date | None = None) -> TargetArea:
    """The checked ``TargetArea`` for ``spec``; ``InvalidParameter`` naming the bad field.

    ``prefix`` is the name of the area in the caller's request (parameters are reported as
    ``<prefix>.<field>``); ``on`` is the day whose boundary generation is "the city" (today).
    """
    if not isinstance(spec, dict):
        raise InvalidParameter(_("The area must be an object."), parameter=prefix)
    kind = spec.get("kind")
    if kind not in KINDS:
        raise InvalidParameter(
            _("The area kind must be one of: %(kinds)s.") % {"kinds": ", ".join(KINDS)},
            parameter=f"{prefix}.kind",
        )
    day = on or timezone.localdate()
    if kind == "wards":
        return _ward_set(spec, prefix, day)
    if kind == "polygon":
        return _drawn(spec.get("polygon"), f"{prefix}.polygon", day)
    return _circle(spec, prefix, day)


def covers(area: TargetArea, point: Point) -> bool:
    """True when ``area`` covers ``point`` (lon/lat); a point on the border is inside."""
    if point.srid not in (None, 4326):
        point = point.transform(4326, clone=True)
    if area.radius_m is not None and area.center is not None:
        _fwd, _back, distance = _GEOD.inv(area.center.x, area.center.y, point.x, point.y)
        return distance <= area.radius_m + RADIUS_SLACK_M
    return area.geom.covers(Point(point.x, point.y, srid=4326))


def covers_sql(
    geom: sql.Composable, center: sql.Composable, radius_m: sql.Composable, point: sql.Composable
) -> sql.Composed:
    """The SQL condition "this area covers this point", from expressions for its parts.

    For a stored area pass its columns (``sql.SQL("n.geom")``...); the rule is the one of
    ``covers`` and lives in ``sql/target_area_covers.sql``.
    """
    return sql.SQL(load_sql("target_area_covers")).format(
        geom=geom, center=center, radius_m=radius_m, point=point
    )


def _ward_set(spec: dict, prefix: str, day: date) -> TargetArea:
    generation = _generation(spec.get("generation"), f"{prefix}.generation", day)
    codes = spec.get("wards")
    parameter = f"{prefix}.wards"
    if not isinstance(codes, list) or not codes:
        raise InvalidParameter(_("Give the ward codes as a non-empty list."), parameter=parameter)
    if len(codes) > MAX_WARDS:
        raise InvalidParameter(
            _("At most %(n)d wards may be chosen.") % {"n": MAX_WARDS}, parameter=parameter
        )
    if not all(isinstance(code, str) and 0 < len(code) <= 10 for code in codes):
        raise InvalidParameter(_("Every ward code must be a short string."), parameter=parameter)
    codes = sorted(set(codes))
    wards = AdministrativeArea.objects.filter(
        generation=generation, level=AreaLevel.WARD, code__in=codes
    )
    found = dict(wards.values_list("code", "name"))
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise InvalidParameter(
            _("Unknown ward code(s) in generation %(generation)s: %(codes)s.")
            % {"generation": generation.slug, "codes": ", ".join(unknown[:10])},
            parameter=parameter,
        )
    geom = _multi(wards.aggregate(union=Union("geom"))["union"])
    names = [found[code] for code in codes]
    shown = ", ".join(names[:5])
    if len(names) > 5:
        shown = _("%(names)s and %(n)d more") % {"names": shown, "n": len(names) - 5}
    description = _("Wards (%(generation)s): %(names)s") % {
        "generation": generation.slug,
        "names": shown,
    }
    reached = _wards_reached(geom, day)
    return TargetArea("wards", geom, description, tuple(codes), generation.slug, reached)


def _generation(slug: object, parameter: str, day: date) -> BoundaryGeneration:
    if slug is None:
        current = generations_valid_on(day).first()
        if current is None:
            raise InvalidParameter(_("No boundary generation is in force."), parameter=parameter)
        return current
    generation = (
        BoundaryGeneration.objects.filter(slug=slug).first() if isinstance(slug, str) else None
    )
    if generation is None:
        known = BoundaryGeneration.objects.order_by("valid_from").values_list("slug", flat=True)
        slugs = ", ".join(known)
        raise InvalidParameter(
            _("Unknown boundary generation; known: %(slugs)s.") % {"slugs": slugs},
            parameter=parameter,
        )
    return generation


def _drawn(polygon: object, parameter: str, day: date) -> TargetArea:
    geojson = _bounded_geojson(polygon, parameter)
    with connection.cursor() as cursor:
        cursor.execute(load_sql("target_area_polygon"), {"geojson": geojson, "day": day})
        was_valid, reason, ewkb, is_empty, area_m2, in_city = cursor.fetchone()
    repairs = () if was_valid else (_("Repaired: %(reason)s.") % {"reason": reason},)
    if is_empty or area_m2 <= 0:
        raise InvalidParameter(
            _("The polygon has no area (%(reason)s).") % {"reason": reason}
            if not was_valid
            else _("The polygon has no area."),
            parameter=parameter,
        )
    if not in_city:
        raise InvalidParameter(_("The polygon lies outside the city."), parameter=parameter)
    geom = _multi(GEOSGeometry(memoryview(bytes(ewkb))))
    description = _("Drawn area of %(km2).2f km²") % {"km2": area_m2 / 1e6}
    codes = _wards_reached(geom, day)
    slug = _current_slug(day)
    return TargetArea("polygon", geom, description, codes, slug, codes, repairs=repairs)


def _bounded_geojson(polygon: object, parameter: str) -> str:
    """The polygon as GeoJSON text, after checks that keep PostGIS from ever choking on it."""
    if isinstance(polygon, str):
        if len(polygon) > MAX_POLYGON_CHARS:
            raise InvalidParameter(_("The polygon is too large."), parameter=parameter)
        try:
            polygon = json.loads(polygon)
        except ValueError:
            message = _("The polygon is not valid JSON.")
            raise InvalidParameter(message, parameter=parameter) from None
    if not isinstance(polygon, dict) or polygon.get("type") not in ("Polygon", "MultiPolygon"):
        raise InvalidParameter(
            _("The polygon must be a GeoJSON Polygon or MultiPolygon."), parameter=parameter
        )
    coordinates = polygon.get("coordinates")
    parts = [coordinates] if polygon["type"] == "Polygon" else coordinates
    if not isinstance(parts, list) or not parts or len(parts) > MAX_POLYGON_PARTS:
        raise InvalidParameter(
            _("The polygon must have 1 to %(n)d parts.") % {"n": MAX_POLYGON_PARTS},
            parameter=parameter,
        )
    vertices = 0
    for rings in parts:
        if not isinstance(rings, list) or not rings:
            raise InvalidParameter(_("Each polygon needs at least one ring."), parameter=parameter)
        for ring in rings:
            vertices += _check_ring(ring, parameter)
            if vertices > MAX_POLYGON_VERTICES:
                raise InvalidParameter(
                    _("The polygon has more than %(n)d vertices.") % {"n": MAX_POLYGON_VERTICES},
                    parameter=parameter,
                )
    return json.dumps({"type": polygon["type"], "coordinates": coordinates})


def _check_ring(ring: object, parameter: str) -> int:
    if not isinstance(ring, list) or len(ring) < 4:
        raise InvalidParameter(_("Each ring needs at least four positions."), parameter=parameter)
    for position in ring:
        if (
            not isinstance(position, list)
            or len(position) not in (2, 3)
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in position)
            or not all(math.isfinite(v) for v in position)
            or not (-180 <= position[0] <= 180 and -90 <= position[1] <= 90)
        ):
            raise InvalidParameter(
                _("Each position must be [longitude, latitude] in degrees (WGS 84)."),
                parameter=parameter,
            )
    if ring[0][:2] != ring[-1][:2]:
        raise InvalidParameter(_("Each ring must end where it starts."), parameter=parameter)
    return len(ring)


def _circle(spec: dict, prefix: str, day: date) -> TargetArea:
    lon = _number(spec.get("lon"), f"{prefix}.lon", -180, 180)
    lat = _number(spec.get("lat"), f"{prefix}.lat", -90, 90)
    radius = _number(spec.get("radius_m"), f"{prefix}.radius_m", MIN_RADIUS_M, MAX_RADIUS_M)
    center = Point(lon, lat, srid=4326)
    if resolve_ward(center, on=day) is None:
        raise InvalidParameter(_("The centre lies outside the city."), parameter=f"{prefix}.lon")
    with connection.cursor() as cursor:
        cursor.execute(load_sql("target_area_radius"), {"lon": lon, "lat": lat, "radius_m": radius})
        (ewkb,) = cursor.fetchone()
    geom = _multi(GEOSGeometry(memoryview(bytes(ewkb))))
    description = _("Within %(radius)s m of %(lon).5f, %(lat).5f") % {
        "radius": f"{radius:g}",
        "lon": lon,
        "lat": lat,
    }
    codes = _wards_reached(geom, day)
    return TargetArea("radius", geom, description, codes, _current_slug(day), codes, center, radius)


def _number(value: object, parameter: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidParameter(_("This must be a number."), parameter=parameter)
    if not low <= value <= high:
        raise InvalidParameter(
            _("This must be between %(low)s and %(high)s.")
            % {"low": f"{low:g}", "high": f"{high:g}"},
            parameter=parameter,
        )
    return float(value)


def _wards_reached(geom: MultiPolygon, day: date) -> tuple[str, ...]:
    with connection.cursor() as cursor:
        cursor.execute(
            load_sql("target_area_wards"),
            {"ewkb": bytes(geom.ewkb), "day": day, "ward_rank": WARD_RANK},
        )
        return tuple(code for (code,) in cursor.fetchall())


def _current_slug(day: date) -> str:
    current = generations_valid_on(day).values_list("slug", flat=True).first()
    return current or ""


def _multi(geom: GEOSGeometry) -> MultiPolygon:
    if isinstance(geom, Polygon):
        geom = MultiPolygon(geom, srid=4326)
    geom.srid = 4326
    return geom
