"""Build the demo boundary generations: official units with synthetic shapes.

Two generations: "2025-01" (the three provinces before the reform, valid 2025-01-01 to
2025-06-30) and "2025-07" (the merged city, valid since 2025-07-01). Wards get
area-weighted cells of the Natural Earth outline (``partition.py``), widened to take in
every official centre; districts and provinces are the unions of their wards, so every
unit lies exactly inside its parent, and every unit holds its official centre point.
"""

import json
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

import shapely
from shapely.geometry import MultiPolygon, Point, shape

from layers.demo import units
from layers.demo.partition import Zone, cover, partition_zones
from layers.models import AreaLevel

DATA_DIR = Path(__file__).parent / "data"
OUTLINE_FILE = DATA_DIR / "ne_10m_admin1_hcmc_2024.geojson"
GEOMETRY_SOURCE = (
    "SYNTHETIC demo shape: area-weighted partition of Natural Earth outlines around the "
    "vietnamadminunits centre point; not a legal boundary"
)
# Natural Earth ISO codes of the three provinces that formed today's city.
_OUTLINE_OF = {"79": "VN-SG", "74": "VN-57", "77": "VN-43"}


@dataclass
class AreaSpec:
    """One unit ready to store: its record, its shape and a centre point inside it."""

    record: units.UnitRecord
    geom: MultiPolygon
    label_point: Point


@dataclass
class GenerationSpec:
    """One boundary generation with all its units."""

    slug: str
    name: str
    valid_from: date
    valid_to: date | None
    description: str
    areas: list[AreaSpec] = field(default_factory=list)


def province_outlines() -> dict[str, MultiPolygon]:
    """The Natural Earth outline of each pre-2025 province, by GSO province code.

    Natural Earth's neighbouring provinces overlap by slivers of a few square metres;
    each outline gives up what an earlier one already holds, so that they tile.
    """
    features = json.loads(OUTLINE_FILE.read_text("utf-8"))["features"]
    outlines: dict[str, MultiPolygon] = {}
    for code, iso in _OUTLINE_OF.items():
        parts = [shape(f["geometry"]) for f in features if f["properties"]["iso_3166_2"] == iso]
        outline = shapely.union_all(parts)
        if outlines:
            outline = outline.difference(shapely.union_all(list(outlines.values())))
        outlines[code] = _multi(outline)
    return outlines


@cache
def city_outline() -> MultiPolygon:
    """The three provinces' Natural Earth outline, widened where its coarse coast or border
    leaves an official centre point (of either generation) outside it: both generations
    split this one outline, so every unit can hold its centre."""
    outline = shapely.union_all(list(province_outlines().values()))
    centres = [(r.lon, r.lat) for r in (*units.current_units(), *units.legacy_units())]
    return _multi(cover(outline, centres))


def _label(geom: MultiPolygon, record: units.UnitRecord) -> Point:
    """The official centre when it lies inside the shape, else a point that does."""
    centre = Point(record.lon, record.lat)
    return centre if geom.contains(centre) else geom.point_on_surface()


def _multi(geom) -> MultiPolygon:
    parts = [g for g in shapely.get_parts(geom) if g.geom_type == "Polygon"]
    return MultiPolygon(parts)


def _partition_leaves(
    leaves: list[units.UnitRecord], parents: list[units.UnitRecord]
) -> list[AreaSpec]:
    """Cells for the leaf units over the city's outline; each parent's centre point falls in
    one of its own leaves (its district's or province's, found through ``parent_code``)."""
    parent_of = {r.code: r.parent_code for r in (*leaves, *parents)}

    def ancestors(code: str):
        while (code := parent_of.get(code)) is not None:
            yield code

    members: dict[str, list[int]] = {}
    for index, leaf in enumerate(leaves):
        for code in ancestors(leaf.code):
            members.setdefault(code, []).append(index)
    zone = Zone(
        city_outline(),
        [(leaf.lon, leaf.lat) for leaf in leaves],
        [leaf.area_km2 for leaf in leaves],
        anchors=[((p.lon, p.lat), members[p.code]) for p in parents if p.code in members],
    )
    (result,) = partition_zones([zone])
    return [
        AreaSpec(record=leaf, geom=cell, label_point=site)
        for leaf, cell, site in zip(leaves, result.cells, result.sites, strict=True)
    ]


def _union_spec(record: units.UnitRecord, parts: list[AreaSpec]) -> AreaSpec:
    geom = _multi(shapely.union_all([p.geom for p in parts]))
    return AreaSpec(record=record, geom=geom, label_point=_label(geom, record))


def current_generation() -> GenerationSpec:
    """The merged city since 2025-07-01: the city and its 168 units."""
    city, *wards = units.current_units()
    ward_specs = _partition_leaves(list(wards), [city])
    return GenerationSpec(
        slug="2025-07",
        name="Thành phố Hồ Chí Minh sau sắp xếp (từ 01/07/2025)",
        valid_from=date(2025, 7, 1),
        valid_to=None,
        description=(
            "168 units (113 phường, 54 xã, 1 đặc khu) directly under the city; "
            "the district level was abolished."
        ),
        areas=[_union_spec(city, ward_specs), *ward_specs],
    )


def legacy_generation() -> GenerationSpec:
    """Hồ Chí Minh City, Bình Dương and Bà Rịa - Vũng Tàu from 2025-01-01 to 2025-06-30."""
    records = units.legacy_units()
    # Ward-less districts (Côn Đảo) take a cell of their own, like a ward. The provinces
    # are unions of their leaves too (not Natural Earth's borders, which leave some
    # official centres in the neighbouring province).
    has_wards = {r.parent_code for r in records if r.level == AreaLevel.WARD}
    provinces = [r for r in records if r.level == AreaLevel.PROVINCE]
    districts = {p.code: [r for r in records if r.parent_code == p.code] for p in provinces}
    leaves = [
        r
        for r in records
        if r.level == AreaLevel.WARD or (r.level == AreaLevel.DISTRICT and r.code not in has_wards)
    ]
    parents = [r for r in records if r.code in has_wards or r.level == AreaLevel.PROVINCE]
    specs = {c.record.code: c for c in _partition_leaves(leaves, parents)}
    for province in provinces:
        for district in districts[province.code]:
            if district.code in has_wards:
                parts = [c for c in specs.values() if c.record.parent_code == district.code]
                specs[district.code] = _union_spec(district, parts)
        parts = [specs[d.code] for d in districts[province.code]]
        specs[province.code] = _union_spec(province, parts)
    return GenerationSpec(
        slug="2025-01",
        name="TP.HCM, Bình Dương, Bà Rịa - Vũng Tàu trước sắp xếp (01/01/2025 - 30/06/2025)",
        valid_from=date(2025, 1, 1),
        valid_to=date(2025, 6, 30),
        description=(
            "The three provinces that merged into Ho Chi Minh City on 2025-07-01, with their "
            "districts; Ho Chi Minh City had 22 district-level units and 273 wards."
        ),
        areas=[specs[r.code] for r in records],
    )
