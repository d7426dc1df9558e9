"""Geometries of a batch made storable: 2D, in the storage CRS, valid, of the layer's type.

All of it is vectorised with shapely 2 over a batch; only curves (CircularString,
CurvePolygon...) go one by one through GDAL to be linearised. Each row ends as a
geometry, or as a rejection with its reason; repairs and rows outside the city are
noted for the report but kept.

What is stored is what every output can write (``layers.writable``): no curves, no
GeometryCollection at all, coordinates within longitude ±180° and latitude ±90°. A
collection is flattened (nested ones too): one kind of part makes the Multi* of that
kind; a mix of points, lines and polygons is rejected, because a vector tile holds one
kind of geometry per feature and would silently drop the others.
"""

from dataclasses import dataclass, field

import numpy as np
import shapely
from django.contrib.gis.gdal import OGRGeometry
from django.contrib.gis.gdal.error import GDALException
from django.utils.translation import gettext as _
from pyproj import Transformer

FAMILY = {
    "Point": "point",
    "MultiPoint": "point",
    "LineString": "line",
    "MultiLineString": "line",
    "LinearRing": "line",
    "Polygon": "polygon",
    "MultiPolygon": "polygon",
}
MULTI = {"point": "MultiPoint", "line": "MultiLineString", "polygon": "MultiPolygon"}
_MULTI_CLASS = {
    "MultiPoint": shapely.MultiPoint,
    "MultiLineString": shapely.MultiLineString,
    "MultiPolygon": shapely.MultiPolygon,
}


@dataclass
class Checked:
    """A batch's geometries after the checks: None where a row was rejected."""

    geoms: np.ndarray
    rejected: dict[int, str] = field(default_factory=dict)
    repaired: dict[int, str] = field(default_factory=dict)
    outside: list[int] = field(default_factory=list)


def layer_type_for(declared: str, sample: np.ndarray) -> str:
    """The geometry type of a new layer: lines and polygons multi, points as they come.

    ``declared`` is GDAL's layer type; when it is "Unknown" (GeoJSON, KML, CSV with WKT)
    the first rows decide, and a mix of kinds makes a "Geometry" layer.
    """
    base = declared.replace(" Z", "").replace(" M", "").replace("Measured ", "").strip()
    families = {FAMILY.get(base)} - {None}
    if not families:
        types = set()
        for geom in sample:
            if geom is not None and not geom.is_empty:
                types |= _kinds(geom)
        families = {FAMILY.get(t) for t in types}
        base = "MultiPoint" if "MultiPoint" in types else "Point"
    if len(families) != 1 or None in families:
        return "Geometry"
    family = families.pop()
    if family == "point":
        return "MultiPoint" if base == "MultiPoint" else "Point"
    return MULTI[family]


def _kinds(geom: shapely.Geometry) -> set[str]:
    """The geometry's type, or for a collection the type it becomes once flattened."""
    if geom.geom_type != "GeometryCollection":
        return {geom.geom_type}
    parts = _leaves(geom)
    families = {FAMILY[p.geom_type] for p in parts}
    if len(families) == 1:
        return {parts[0].geom_type if len(parts) == 1 else MULTI[families.pop()]}
    return {p.geom_type for p in parts} or {"GeometryCollection"}


def _leaves(geom: shapely.Geometry) -> list[shapely.Geometry]:
    """The non-empty points, lines and polygons of a geometry, collections opened at
    every depth."""
    parts = []
    pending = [geom]
    while pending:
        current = pending.pop()
        if current.is_empty:
            continue
        if isinstance(current, shapely.GeometryCollection):  # Multi* are collections too
            pending.extend(reversed(shapely.get_parts(current).tolist()))
        else:
            parts.append(current)
    return parts


def parse(wkb: np.ndarray) -> tuple[np.ndarray, dict[int, str]]:
    """Shapely geometries from WKB; curves linearised; unreadable rows rejected."""
    try:
        geoms = shapely.from_wkb(wkb, on_invalid="ignore")
    except NotImplementedError:  # a curve in the batch: read row by row
        geoms = np.array([_one(raw) for raw in wkb], dtype=object)
    rejected: dict[int, str] = {}
    missing = np.flatnonzero(shapely.is_missing(geoms))
    for i in missing:
        raw = wkb[i]
        if raw is None:
            rejected[int(i)] = _("no geometry")
            continue
        try:
            linear = OGRGeometry(memoryview(raw)).get_linear_geometry()
            geoms[i] = shapely.from_wkb(bytes(linear.wkb))
        except (GDALException, shapely.errors.GEOSException, TypeError):
            rejected[int(i)] = _("unreadable geometry")
    return geoms, rejected


def total_bounds(geoms: np.ndarray) -> tuple[float, float, float, float] | None:
    """The bounds of the geometries (None when there are none, or none finite)."""
    live = geoms[_live(geoms)]
    if not len(live):
        return None
    box = shapely.total_bounds(live)
    return tuple(float(v) for v in box) if np.isfinite(box).all() else None


def _one(raw: bytes | None) -> shapely.Geometry | None:
    try:
        return shapely.from_wkb(raw, on_invalid="ignore") if raw is not None else None
    except NotImplementedError:
        return None


def check(
    wkb: np.ndarray,
    layer_type: str,
    transformer: Transformer | None,
    swap_xy: bool,
    extent: tuple[float, float, float, float],
) -> Checked:
    """Parse, drop Z/M, transform, repair, normalise to ``layer_type`` and flag the outside."""
    geoms, rejected = parse(wkb)
    live = _live(geoms)
    empty = live & shapely.is_empty(geoms)
    for i in np.flatnonzero(empty):
        rejected[int(i)] = _("empty geometry")
    geoms[empty] = None
    # Only geometries with Z or M are rewritten: force_2d copies every geometry it is given.
    deep = shapely.get_coordinate_dimension(geoms) > 2
    geoms[deep] = shapely.force_2d(geoms[deep])
    live = _live(geoms)
    if swap_xy:
        geoms[live] = shapely.transform(geoms[live], lambda x, y: (y, x), interleaved=False)
    if transformer is not None:
        geoms[live] = shapely.transform(
            geoms[live], lambda x, y: transformer.transform(x, y), interleaved=False
        )
    bounds = shapely.bounds(geoms[live])
    finite = np.isfinite(bounds).all(axis=1)
    for i in np.flatnonzero(live)[~finite]:
        rejected[int(i)] = _("coordinates that cannot be transformed to WGS 84")
        geoms[i] = None
    # Beyond the poles or the antimeridian no output can project it (ST_Transform fails).
    in_range = (
        (bounds[:, 0] >= -180)
        & (bounds[:, 1] >= -90)
        & (bounds[:, 2] <= 180)
        & (bounds[:, 3] <= 90)
    )
    for i in np.flatnonzero(live)[finite & ~in_range]:
        rejected[int(i)] = _("coordinates beyond longitude -180…180° or latitude -90…90° in WGS 84")
        geoms[i] = None
    result = Checked(geoms, rejected)
    _flatten(result)
    _repair(result)
    _flatten(result, after_repair=True)
    _normalise(result, layer_type)
    live = _live(result.geoms)
    result.outside = [int(i) for i in np.flatnonzero(live)[~_touch(result.geoms[live], extent)]]
    return result


def _touch(geoms: np.ndarray, extent: tuple[float, float, float, float]) -> np.ndarray:
    """Which geometries touch the extent; only those whose bounds are not within it are
    asked of GEOS (almost every feature of a city's file lies well inside)."""
    west, south, east, north = extent
    bounds = shapely.bounds(geoms)
    touch = (
        (bounds[:, 0] >= west)
        & (bounds[:, 1] >= south)
        & (bounds[:, 2] <= east)
        & (bounds[:, 3] <= north)
    )
    unsure = ~touch
    touch[unsure] = shapely.intersects(geoms[unsure], shapely.box(*extent))
    return touch


def _live(geoms: np.ndarray) -> np.ndarray:
    return ~shapely.is_missing(geoms)  # in C: comparing each to None would call Python


_COLLECTION_ID = 7
_DIMENSION = {"point": 0, "line": 1, "polygon": 2}


def _flatten(result: Checked, after_repair: bool = False) -> None:
    """GeometryCollections, nested or not, become the Multi* of their one kind of part.

    A mix of kinds is rejected: vector tiles (and the raster renderer) draw one kind per
    feature. After a repair, which may split a shape into a polygon and a stray line, the
    parts of the highest dimension are kept instead (what the file meant to draw).
    """
    geoms = result.geoms
    live = np.flatnonzero(_live(geoms))
    for i in live[shapely.get_type_id(geoms[live]) == _COLLECTION_ID]:
        parts = _leaves(geoms[i])
        if not parts:
            result.rejected[int(i)] = _("empty geometry")
            geoms[i] = None
            continue
        families = {FAMILY[p.geom_type] for p in parts}
        if len(families) > 1 and after_repair:
            top = max(families, key=_DIMENSION.get)
            parts, families = [p for p in parts if FAMILY[p.geom_type] == top], {top}
        if len(families) > 1:
            kinds = ", ".join(sorted({p.geom_type for p in parts}))
            result.rejected[int(i)] = _(
                "GeometryCollection mixing {kinds}: a feature holds one kind of geometry "
                "(a vector tile cannot draw a mix); split it into one feature per kind"
            ).format(kinds=kinds)
            geoms[i] = None
            continue
        geoms[i] = _MULTI_CLASS[MULTI[families.pop()]](parts)


def _repair(result: Checked) -> None:
    geoms = result.geoms
    live = np.flatnonzero(_live(geoms))
    invalid = live[~shapely.is_valid(geoms[live])]
    for i in invalid:
        reason = shapely.is_valid_reason(geoms[i])
        fixed = shapely.make_valid(geoms[i], method="structure", keep_collapsed=False)
        if fixed is None or fixed.is_empty:
            result.rejected[int(i)] = _(
                "invalid geometry ({reason}) with nothing left after repair"
            ).format(reason=reason)
            geoms[i] = None
        else:
            result.repaired[int(i)] = reason
            geoms[i] = fixed


_TYPE_ID = {
    "Point": 0,
    "LineString": 1,
    "Polygon": 3,
    "MultiPoint": 4,
    "MultiLineString": 5,
    "MultiPolygon": 6,
}
_SINGLE_OF = {"MultiPoint": "Point", "MultiLineString": "LineString", "MultiPolygon": "Polygon"}
_COLLECT = {
    "MultiPoint": shapely.multipoints,
    "MultiLineString": shapely.multilinestrings,
    "MultiPolygon": shapely.multipolygons,
}


def _normalise(result: Checked, layer_type: str) -> None:
    """Single vs multi as the layer wants; other kinds of geometry rejected.

    The common cases (already the layer's type; a single part where the layer is multi)
    are vectorised; only odd rows are looked at one by one.
    """
    geoms = result.geoms
    live = np.flatnonzero(_live(geoms))
    ids = shapely.get_type_id(geoms[live])
    if layer_type == "Geometry":
        for single in ("LineString", "Polygon"):
            multi = "Multi" + single
            rows = live[ids == _TYPE_ID[single]]
            if len(rows):
                geoms[rows] = _COLLECT[multi](geoms[rows], indices=np.arange(len(rows)))
        return
    target = _TYPE_ID[layer_type]
    odd = live[ids != target]
    if layer_type in _COLLECT:
        single = live[ids == _TYPE_ID[_SINGLE_OF[layer_type]]]
        if len(single):
            geoms[single] = _COLLECT[layer_type](geoms[single], indices=np.arange(len(single)))
        odd = np.setdiff1d(odd, single)
    family = FAMILY[layer_type]
    for i in odd:
        geom = geoms[i]
        kind = geom.geom_type
        parts = [p for p in shapely.get_parts(geom) if FAMILY.get(p.geom_type) == family]
        repaired_mix = kind == "GeometryCollection" and parts and int(i) in result.repaired
        if FAMILY.get(kind) != family and not repaired_mix:
            result.rejected[int(i)] = _("{kind} does not fit a {layer_type} layer").format(
                kind=kind, layer_type=layer_type
            )
            geoms[i] = None
        elif layer_type.startswith("Multi"):
            geoms[i] = _MULTI_CLASS[layer_type](parts)
        elif len(parts) == 1:
            geoms[i] = parts[0]
        else:
            result.rejected[int(i)] = _(
                "{kind} with {count} parts does not fit a {layer_type} layer"
            ).format(kind=kind, count=len(parts), layer_type=layer_type)
            geoms[i] = None
