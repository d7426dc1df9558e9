"""Storing boundary generations and their areas: idempotent upserts, then lookup pieces.

The demo loader and the real-boundary import both come through here, so that a second
run with the same input changes nothing and every write rebuilds the lookup table.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Point
from django.db import connection, transaction

from layers.facilities import assign_wards
from layers.models import (
    AdministrativeArea,
    AreaLevel,
    BoundaryGeneration,
    WardSuccession,
)
from layers.names import normalise_name, search_form
from layers.sql import load_sql
from layers.wards import in_force

SUBDIVIDE_MAX_VERTICES = 128


@dataclass(frozen=True)
class AreaInput:
    """One area to store: attributes plus geometry in EPSG:4326 (GEOS or WKB/WKT)."""

    code: str
    name: str
    area_type: str
    level: str
    parent_code: str | None
    geom: GEOSGeometry
    label_point: Point | None = None
    official_area_km2: float | None = None
    geometry_is_synthetic: bool = False
    geometry_source: str = ""


@dataclass
class StoreReport:
    """What a store did: codes created, updated and left unchanged."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """True when anything was written."""
        return bool(self.created or self.updated or self.removed)


def as_multipolygon(geom: GEOSGeometry) -> MultiPolygon:
    """A valid MultiPolygon in EPSG:4326 from a Polygon or MultiPolygon."""
    if geom.srid is None:
        geom.srid = 4326
    if not geom.valid:
        geom = geom.make_valid()
    if geom.geom_type == "Polygon":
        geom = MultiPolygon(geom, srid=geom.srid)
    if geom.geom_type != "MultiPolygon":
        raise ValueError(f"expected a polygon geometry, got {geom.geom_type}")
    return geom


def upsert_generation(
    slug: str,
    *,
    name: str,
    valid_from: date,
    valid_to: date | None,
    description: str = "",
    source: str = "",
) -> tuple[BoundaryGeneration, bool]:
    """Create the generation or bring its fields up to date; True when anything changed."""
    values = {
        "name": name,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "description": description,
        "source": source,
    }
    generation, created = BoundaryGeneration.objects.get_or_create(slug=slug, defaults=values)
    if created:
        return generation, True
    if all(getattr(generation, k) == v for k, v in values.items()):
        return generation, False
    for key, value in values.items():
        setattr(generation, key, value)
    generation.save()
    return generation, True


def _same(area: AdministrativeArea, values: dict) -> bool:
    for key, value in values.items():
        current = getattr(area, key)
        if isinstance(value, GEOSGeometry):
            if current is None or not current.equals_exact(value, tolerance=0):
                return False
        elif current != value:
            return False
    return True


@transaction.atomic
def store_areas(
    generation: BoundaryGeneration, areas: Iterable[AreaInput], *, remove_missing: bool = False
) -> StoreReport:
    """Upsert areas by code into ``generation``, link parents, rebuild the lookup pieces.

    With ``remove_missing`` the input is the whole generation: areas not in it are deleted.
    """
    report = StoreReport()
    existing = {a.code: a for a in AdministrativeArea.objects.filter(generation=generation)}
    inputs = list(areas)
    stored: dict[str, AdministrativeArea] = {}
    # Parents before children, so that each parent id is known when its child is saved.
    depth = {AreaLevel.PROVINCE: 0, AreaLevel.DISTRICT: 1, AreaLevel.WARD: 2}
    for item in sorted(inputs, key=lambda a: depth[a.level]):
        name = normalise_name(item.name)
        geom = as_multipolygon(item.geom)
        parent = stored.get(item.parent_code) or existing.get(item.parent_code)
        if item.parent_code and parent is None:
            raise ValueError(
                f"area {item.code}: parent {item.parent_code} is not in this generation"
            )
        values = {
            "name": name,
            "name_search": search_form(name),
            "area_type": item.area_type,
            "level": item.level,
            "parent_id": parent.pk if parent else None,
            "geom": geom,
            "label_point": item.label_point,
            "official_area_km2": item.official_area_km2,
            "geometry_is_synthetic": item.geometry_is_synthetic,
            "geometry_source": item.geometry_source,
        }
        area = existing.get(item.code)
        if area is None:
            area = AdministrativeArea.objects.create(
                generation=generation, code=item.code, **values
            )
            report.created.append(item.code)
        elif _same(area, values):
            report.unchanged.append(item.code)
        else:
            for key, value in values.items():
                setattr(area, key, value)
            area.save()
            report.updated.append(item.code)
        stored[item.code] = area
    if remove_missing:
        missing = [a for code, a in existing.items() if code not in stored]
        # Children first: parents are protected while a child points at them.
        for area in sorted(missing, key=lambda a: -depth[a.level]):
            area.delete()
            report.removed.append(area.code)
    if report.changed:
        rebuild_subdivisions(generation)
        if in_force(generation):
            assign_wards()  # facilities follow the new shapes of the generation in force
    return report


def rebuild_subdivisions(generation: BoundaryGeneration) -> int:
    """Replace the generation's lookup pieces (``ST_Subdivide``); returns how many."""
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM layers_areasubdivision WHERE generation_id = %s", [generation.pk]
        )
        cursor.execute(
            load_sql("subdivide_generation"),
            {"generation_id": generation.pk, "max_vertices": SUBDIVIDE_MAX_VERTICES},
        )
        return cursor.rowcount


@transaction.atomic
def store_successions(
    old: BoundaryGeneration, new: BoundaryGeneration, pairs: Iterable[tuple[str, str, bool, bool]]
) -> int:
    """Record (old_code, new_code, is_whole, is_default) links; returns how many were written."""
    old_ids = dict(AdministrativeArea.objects.filter(generation=old).values_list("code", "pk"))
    new_ids = dict(AdministrativeArea.objects.filter(generation=new).values_list("code", "pk"))
    existing = {
        (s.old_area_id, s.new_area_id): s
        for s in WardSuccession.objects.filter(old_area__generation=old, new_area__generation=new)
    }
    written = 0
    for old_code, new_code, is_whole, is_default in pairs:
        key = (old_ids[old_code], new_ids[new_code])
        link = existing.get(key)
        if link is None:
            WardSuccession.objects.create(
                old_area_id=key[0], new_area_id=key[1], is_whole=is_whole, is_default=is_default
            )
            written += 1
        elif (link.is_whole, link.is_default) != (is_whole, is_default):
            link.is_whole, link.is_default = is_whole, is_default
            link.save(update_fields=["is_whole", "is_default"])
            written += 1
    return written
