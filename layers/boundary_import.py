"""Replace the shapes of a boundary generation with real boundaries from a file.

The demo ward shapes are synthetic; when the city supplies its real boundaries (any
file GDAL reads: Shapefile, GeoPackage, GeoJSON, KML...), this puts them in place by
official code, in one transaction, and reports every row it could not use. GDAL only
reads the file; coordinates are transformed with pyproj from the file's EPSG code (or
``--srs``), so that VN-2000 gets its Helmert datum shift.
"""

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import shapely
from django.contrib.gis.gdal import DataSource
from django.contrib.gis.gdal.error import GDALException
from django.contrib.gis.geos import GEOSGeometry
from django.db import transaction
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from core.errors import CommonMapError, InvalidParameter
from layers import boundaries
from layers.crs import vn2000_crs
from layers.models import AdministrativeArea, BoundaryGeneration


class BoundaryImportError(CommonMapError):
    """The file cannot be imported as it is (the report says why)."""

    code = "import_failed"


@dataclass(frozen=True)
class BoundaryImportParams:
    """What to import, from where, into which generation."""

    path: Path
    generation: str
    code_field: str = "code"
    layer: str | None = None
    srs: str | None = None
    partial: bool = False
    dry_run: bool = False

    def validate(self) -> None:
        """Raise InvalidParameter for a missing file or an unknown SRS."""
        if not self.path.exists():
            raise InvalidParameter(f"No such file: {self.path}", parameter="path")
        if self.srs:
            _crs(self.srs)


@dataclass
class RejectedRow:
    """A row that was not used, with its 1-based number and the reason."""

    row: int
    code: str | None
    reason: str


@dataclass
class BoundaryImportReport:
    """Rows read, areas updated, geometries repaired, rows rejected, areas left as they were."""

    rows_read: int = 0
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    parents_rebuilt: list[str] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)
    not_in_file: list[str] = field(default_factory=list)
    committed: bool = False


def _crs(text: str) -> CRS:
    try:
        return CRS.from_user_input(text)
    except CRSError as exc:
        raise InvalidParameter(
            f"Unknown coordinate system {text!r}: {exc}", parameter="srs"
        ) from exc


@cache
def _transformer(source_wkt: str) -> Transformer:
    return Transformer.from_crs(CRS.from_wkt(source_wkt), "EPSG:4326", always_xy=True)


def _source_crs(params: BoundaryImportParams, layer) -> CRS:
    if params.srs:
        stated = _crs(params.srs)
        epsg = stated.to_epsg(min_confidence=70)
        return vn2000_crs(epsg) if epsg else stated
    if layer.srs is None:
        raise BoundaryImportError(
            f"{params.path.name} does not say its coordinate system; give it with --srs "
            "(e.g. EPSG:9210 for VN-2000 / TM-3 105-45, EPSG:4326 for WGS 84 lon/lat)."
        )
    crs = CRS.from_wkt(layer.srs.wkt)
    epsg = crs.to_epsg(min_confidence=70)
    # A bare WKT without TOWGS84 would silently skip VN-2000's datum shift, and PROJ's own
    # choice for an EPSG code is not the official one in the city (see layers/crs.py).
    return vn2000_crs(epsg) if epsg else crs


def _code(raw) -> str | None:
    if raw is None:
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw).strip()
    return text or None


def _open_layer(params: BoundaryImportParams):
    try:
        source = DataSource(str(params.path))
    except GDALException as exc:
        raise BoundaryImportError(f"GDAL cannot read {params.path.name}: {exc}") from exc
    names = [layer.name for layer in source]
    if params.layer is None and len(names) > 1:
        raise BoundaryImportError(
            f"{params.path.name} has {len(names)} layers ({', '.join(names)}); "
            "choose one with --layer."
        )
    name = params.layer or names[0]
    if name not in names:
        raise BoundaryImportError(
            f"No layer {name!r} in {params.path.name}; it has {', '.join(names)}."
        )
    layer = source[name]
    if params.code_field not in layer.fields:
        raise BoundaryImportError(
            f"No field {params.code_field!r} in layer {name!r}; its fields are "
            f"{', '.join(layer.fields)}. Name the code field with --code-field."
        )
    return source, layer


def import_boundaries(params: BoundaryImportParams) -> BoundaryImportReport:
    """Put the file's geometries on the generation's areas, matched by official code."""
    params.validate()
    generation = BoundaryGeneration.objects.filter(slug=params.generation).first()
    if generation is None:
        raise InvalidParameter(
            f"Unknown boundary generation {params.generation!r}.", parameter="generation"
        )
    _source, layer = _open_layer(params)
    transformer = _transformer(_source_crs(params, layer).to_wkt())
    areas = {
        a.code: a
        for a in AdministrativeArea.objects.filter(generation=generation).select_related("parent")
    }
    report = BoundaryImportReport()
    shapes: dict[str, shapely.Geometry] = {}

    for number, feature in enumerate(layer, start=1):
        report.rows_read += 1
        code = _code(feature.get(params.code_field))
        reason = None
        if code is None:
            reason = f"empty {params.code_field!r}"
        elif code not in areas:
            reason = f"no area with code {code} in generation {generation.slug}"
        elif code in shapes:
            reason = f"code {code} appears more than once"
        geom = None
        if reason is None:
            geom = _feature_geometry(feature)
            if geom is None or geom.is_empty:
                reason = "empty geometry"
            elif geom.geom_type not in ("Polygon", "MultiPolygon"):
                reason = f"{geom.geom_type} is not a polygon"
        if reason:
            report.rejected.append(RejectedRow(number, code, reason))
            continue
        geom = shapely.transform(geom, lambda xy: _xy(transformer, xy))
        if not geom.is_valid:
            geom = shapely.make_valid(geom)
            report.repaired.append(code)
        polygons = [g for g in shapely.get_parts(geom) if g.geom_type == "Polygon"]
        shapes[code] = shapely.MultiPolygon(polygons)

    parents = {a.parent.code for a in areas.values() if a.parent_id}
    report.not_in_file = sorted(c for c in areas if c not in shapes and c not in parents)
    if report.rejected and not params.partial:
        return report
    if params.dry_run:
        report.updated = sorted(shapes)
        return report
    _store(generation, areas, shapes, params, report)
    report.committed = True
    return report


def _feature_geometry(feature) -> shapely.Geometry | None:
    """The feature's geometry in 2D (Z and M dropped), or None when it has none."""
    try:
        ogr = feature.geom
    except GDALException:  # GDAL raises for a NULL geometry
        return None
    return shapely.force_2d(shapely.from_wkb(bytes(ogr.wkb)))


def _xy(transformer: Transformer, xy: np.ndarray) -> np.ndarray:
    x, y = transformer.transform(xy[:, 0], xy[:, 1])
    return np.column_stack([x, y])


@transaction.atomic
def _store(generation, areas, shapes, params, report) -> None:
    source = f"imported from {params.path.name}"
    geoms = {code: GEOSGeometry(memoryview(g.wkb), srid=4326) for code, g in shapes.items()}
    synthetic = {c: a.geometry_is_synthetic and c not in shapes for c, a in areas.items()}
    sources = {c: source if c in shapes else a.geometry_source for c, a in areas.items()}
    children: dict[str, list[AdministrativeArea]] = {}
    for area in areas.values():
        if area.parent_id:
            children.setdefault(area.parent.code, []).append(area)
    # Parents that the file does not give become the union of their children, deepest
    # first, so that every area still lies inside its parent.
    depth = {"ward": 2, "district": 1, "province": 0}
    for area in sorted(areas.values(), key=lambda a: -depth[a.level]):
        kids = children.get(area.code)
        if area.code in shapes or not kids:
            continue
        parts = [shapely.from_wkb(bytes(geoms.get(k.code, k.geom).wkb)) for k in kids]
        geoms[area.code] = GEOSGeometry(memoryview(shapely.union_all(parts).wkb), srid=4326)
        synthetic[area.code] = any(synthetic[k.code] for k in kids)
        if not synthetic[area.code]:
            sources[area.code] = f"union of its parts, {source}"
        report.parents_rebuilt.append(area.code)
    items = []
    for code, area in areas.items():
        geom = geoms.get(code, area.geom)
        label = area.label_point
        if label is None or not geom.contains(label):
            label = geom.point_on_surface
        items.append(
            boundaries.AreaInput(
                code=code,
                name=area.name,
                area_type=area.area_type,
                level=area.level,
                parent_code=area.parent.code if area.parent_id else None,
                geom=geom,
                label_point=label,
                official_area_km2=area.official_area_km2,
                geometry_is_synthetic=synthetic[code],
                geometry_source=sources[code],
            )
        )
    stored = boundaries.store_areas(generation, items)
    report.updated = sorted(set(shapes) & set(stored.updated))
    report.unchanged = sorted(set(shapes) & set(stored.unchanged))
