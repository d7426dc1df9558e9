"""Synthetic ward shapes: an area-weighted partition of an outline around centre points.

No licensed ward boundaries for the city can be shipped, so the demo builds plausible
ones. The partition is a power diagram (a Voronoi diagram whose sites carry weights):
each site's weight is tuned until its cell's area is close to the unit's real area,
while every site stays inside its own cell. Cells are then noded into one planar
coverage (shared edges have identical vertices), so no two units overlap, none leaves
a gap, and unions of cells (districts, the city) contain their parts exactly.

Every official centre point lies in its own unit: the outline is first widened to take
in centres that the coarse outline leaves at sea or outside (``cover``), a ward's site is
its centre, and a parent's centre that falls in another parent's cell becomes an extra
site of the nearest of its own cells (``Zone.anchors``).
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPolygon, Point, Polygon, box
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points

# UTM 48N on WGS 84: true metres over the whole city (both VN-2000 TM-3 zones would
# need a datum shift and split the merged city in two).
METRIC_CRS = "EPSG:32648"
_TO_METRES = Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)
_TO_DEGREES = Transformer.from_crs(METRIC_CRS, "EPSG:4326", always_xy=True)

# A site may not gain so much weight over a neighbour that it swallows that neighbour's
# centre: w_j - w_i must stay below d_ij², kept under this share of it for a margin.
_SITE_MARGIN = 0.8


@dataclass(frozen=True)
class Partition:
    """The result: one MultiPolygon (lon/lat) per site, and the sites actually used."""

    cells: list[MultiPolygon]
    sites: list[Point]
    relative_area_error: float


def to_metres(geom: BaseGeometry) -> BaseGeometry:
    """Project a lon/lat geometry to the metric CRS."""
    return shapely.transform(geom, lambda xy: np.column_stack(_TO_METRES.transform(*xy.T)))


def to_degrees(geom: BaseGeometry) -> BaseGeometry:
    """Project a metric geometry back to lon/lat."""
    return shapely.transform(geom, lambda xy: np.column_stack(_TO_DEGREES.transform(*xy.T)))


def _inside(outline: BaseGeometry, xy: np.ndarray, inset: float = 50.0) -> np.ndarray:
    """Move sites that fall outside the outline (coarse coastlines) just inside it."""
    inner = outline.buffer(-inset)
    if inner.is_empty:
        inner = outline
    shapely.prepare(outline)
    moved = xy.copy()
    for i, (x, y) in enumerate(xy):
        point = Point(x, y)
        if not outline.contains(point):
            nearest = nearest_points(inner, point)[0]
            moved[i] = (nearest.x, nearest.y)
    return _separate(moved)


def _separate(xy: np.ndarray, min_distance: float = 20.0) -> np.ndarray:
    """Nudge coincident sites apart (geocoded centres sometimes share a point).

    A site closer than ``min_distance`` to an earlier one moves out along a spiral
    (golden-angle turns, growing radius) until it is clear of all earlier sites.
    """
    xy = xy.copy()
    for i in range(1, len(xy)):
        origin = xy[i].copy()
        k = 0
        while np.hypot(*(xy[:i] - xy[i]).T).min() < min_distance:
            k += 1
            angle = k * 2.399963
            xy[i] = origin + min_distance * np.sqrt(k) * np.array([np.cos(angle), np.sin(angle)])
    return xy


def cover(
    outline: BaseGeometry, points: Sequence[tuple[float, float]], margin: float = 150.0
) -> BaseGeometry:
    """The outline (lon/lat) widened so that each point lies ``margin`` metres inside it.

    A point outside (a centre the coarse Natural Earth coast leaves at sea, or beyond a
    simplified border) gets a tapered spur from the nearest stretch of the outline: the
    hull of a disc of ``margin`` around it and a disc, a third of the distance wide,
    around the nearest point of the outline. Points already inside are left alone.
    """
    outline_m = shapely.make_valid(to_metres(outline))
    inner = outline_m.buffer(-margin)
    shapely.prepare(inner)
    patches = []
    for lon, lat in points:
        point = Point(_TO_METRES.transform(lon, lat))
        if inner.contains(point):
            continue
        shore = nearest_points(outline_m, point)[0]
        reach = max(margin, point.distance(shore) / 3)
        patches.append(shapely.union(point.buffer(margin), shore.buffer(reach)).convex_hull)
    if not patches:
        return outline
    return to_degrees(shapely.union_all([outline_m, *patches]))


def _grid(outline: BaseGeometry, step: float) -> np.ndarray:
    """Centres of a regular grid of ``step`` metres that fall inside the outline."""
    minx, miny, maxx, maxy = outline.bounds
    xs = np.arange(minx + step / 2, maxx, step)
    ys = np.arange(miny + step / 2, maxy, step)
    gx, gy = np.meshgrid(xs, ys)
    points = np.column_stack([gx.ravel(), gy.ravel()])
    shapely.prepare(outline)
    inside = shapely.contains_xy(outline, points[:, 0], points[:, 1])
    return points[inside]


def _owner(points: np.ndarray, sites: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Index of the site with the least power distance |p - s|² - w, for each point.

    |p|² is the same for every site, so argmin(|s|² - w - 2 p·s) picks the same site.
    """
    bias = (sites**2).sum(axis=1) - weights
    owners = np.empty(len(points), dtype=np.int64)
    chunk = max(1, 4_000_000 // max(1, len(sites)))
    for start in range(0, len(points), chunk):
        p = points[start : start + chunk]
        owners[start : start + chunk] = (bias[None, :] - 2 * p @ sites.T).argmin(axis=1)
    return owners


def _sites_losing_cells(weights: np.ndarray, d2: np.ndarray) -> np.ndarray:
    """Sites in a pair where one could lose its own centre to the other (w_j - w_i >= m d²)."""
    excess = (weights[None, :] - weights[:, None]) - _SITE_MARGIN * d2
    np.fill_diagonal(excess, -np.inf)
    bad = excess > 0
    return bad.any(axis=0) | bad.any(axis=1)


def _fit_weights(
    grid: np.ndarray,
    cell_area: float,
    sites: np.ndarray,
    cell_of: np.ndarray,
    targets: np.ndarray,
    iterations: int,
    start: np.ndarray | None = None,
) -> tuple[np.ndarray, float]:
    """Tune one weight per cell (shared by its sites, ``cell_of``) so that each cell's
    share of the grid approaches its target area."""
    d2 = ((sites[:, None, :] - sites[None, :, :]) ** 2).sum(axis=2)
    # Ownership of the grid in single precision around the sites' mean (about twice as
    # fast; a point on a border may change hands, which moves an area by one grid cell).
    origin = sites.mean(axis=0)
    grid32 = (grid - origin).astype(np.float32)
    sites32 = (sites - origin).astype(np.float32)
    cells = len(targets)
    weights = np.zeros(cells) if start is None else start.copy()
    # Sites added since ``start`` may break the rule; evening the weights out restores it
    # (all equal always keeps it).
    while _sites_losing_cells(weights[cell_of], d2).any():
        weights = weights / 2 if np.abs(weights).max() > 1 else np.zeros(cells)
    best, best_error = weights, np.inf
    for _ in range(iterations):
        owners = cell_of[_owner(grid32, sites32, weights[cell_of].astype(np.float32))]
        areas = np.bincount(owners, minlength=cells) * cell_area
        error = np.abs(areas - targets).sum() / targets.sum()
        if error < best_error:
            best, best_error = weights, error
        # The current weights are feasible; shorten the steps of the cells whose new
        # weights would break the rule until none does (after 30 halvings, ~0).
        step = 0.5 * (targets - areas)
        for _ in range(30):
            losing = np.zeros(cells, dtype=bool)
            np.logical_or.at(losing, cell_of, _sites_losing_cells((weights + step)[cell_of], d2))
            if not losing.any():
                break
            step[losing] /= 2
        else:
            step[:] = 0
        weights = weights + step
    return best, best_error


def _power_cell(i: int, sites: np.ndarray, weights: np.ndarray, frame: Polygon) -> Polygon:
    """Site i's cell: the frame cut by the half-planes against its nearest neighbours."""
    s_i, w_i = sites[i], weights[i]
    others = np.argsort(((sites - s_i) ** 2).sum(axis=1))[1:60]
    cell = frame
    big = 10 * max(frame.bounds[2] - frame.bounds[0], frame.bounds[3] - frame.bounds[1])
    for j in others:
        n = sites[j] - s_i
        c = (sites[j] @ sites[j] - s_i @ s_i - weights[j] + w_i) / 2
        # The half-plane n·x <= c as a large polygon: the line's point nearest s_i,
        # extended along the line and stepped back away from s_j.
        norm = np.hypot(*n)
        unit = n / norm
        on_line = s_i + unit * ((c - n @ s_i) / norm)
        along = np.array([-unit[1], unit[0]]) * big
        half = Polygon(
            [
                on_line + along,
                on_line - along,
                on_line - along - unit * big,
                on_line + along - unit * big,
            ]
        )
        cell = cell.intersection(half)
        if cell.is_empty:
            break
    return cell


@dataclass(frozen=True)
class Zone:
    """One outline (lon/lat) to split, with the centres and relative target areas of its
    cells; ``anchors`` are further points (a parent's centre) that must each fall in one of
    the given cells (the parent's children), as (lon/lat, cell indices)."""

    outline: BaseGeometry
    centres: Sequence[tuple[float, float]]
    target_areas: Sequence[float]
    anchors: Sequence[tuple[tuple[float, float], Sequence[int]]] = ()


def _anchor_sites(
    zone: Zone, sites: np.ndarray, cell_of: np.ndarray, weights: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Sites to add so that every anchor falls in one of its cells: an anchor in a foreign
    cell becomes a site of the member cell whose site is nearest to it."""
    new_sites, new_cells = [], []
    for (lon, lat), members in zone.anchors:
        xy = np.array(_TO_METRES.transform(lon, lat))
        if cell_of[_owner(xy[None, :], sites, weights[cell_of])[0]] in members:
            continue
        member_sites = np.flatnonzero(np.isin(cell_of, list(members)))
        nearest = member_sites[((sites[member_sites] - xy) ** 2).sum(axis=1).argmin()]
        new_sites.append(xy)
        new_cells.append(cell_of[nearest])
    return np.array(new_sites).reshape(-1, 2), np.array(new_cells, dtype=np.int64)


def partition_zones(
    zones: Sequence[Zone], *, grid_step: float = 300.0, iterations: int = 120
) -> list[Partition]:
    """Split each zone into one cell per centre, sized like its target areas.

    Target areas are relative: they are scaled to the zone's own area. All zones are
    noded together into one planar coverage, so that cells of neighbouring zones share
    their border exactly. Zones must not overlap. Returns, per zone, the cells in
    lon/lat in input order, each containing its (possibly nudged) centre.
    """
    outlines = [shapely.make_valid(to_metres(z.outline)) for z in zones]
    fitted = []
    edges = []
    for zone, outline_m in zip(zones, outlines, strict=True):
        xy = np.array([_TO_METRES.transform(lon, lat) for lon, lat in zone.centres])
        sites = _inside(outline_m, xy)
        cell_of = np.arange(len(sites))
        targets = np.asarray(zone.target_areas, dtype=float)
        targets = targets / targets.sum() * outline_m.area
        grid = _grid(outline_m, grid_step)
        weights, error = _fit_weights(grid, grid_step**2, sites, cell_of, targets, iterations)
        # An anchor outside its cells adds a site, and the weights are fitted again; a few
        # rounds settle it (each site keeps its own point, so added anchors stay put).
        for _round in range(5):
            extra, extra_cells = _anchor_sites(zone, sites, cell_of, weights)
            if not len(extra):
                break
            sites, cell_of = np.vstack([sites, extra]), np.concatenate([cell_of, extra_cells])
            weights, error = _fit_weights(
                grid, grid_step**2, sites, cell_of, targets, iterations // 4, weights
            )
        fitted.append((sites, cell_of, weights, error))
        frame = box(*outline_m.buffer(1000).bounds)
        site_weights = weights[cell_of]
        edges.append(outline_m.boundary)
        edges += [_power_cell(i, sites, site_weights, frame).boundary for i in range(len(sites))]

    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(shapely.union_all(edges))))
    reps = shapely.point_on_surface(faces)
    results = []
    for zone, outline_m, (sites, cell_of, weights, error) in zip(
        zones, outlines, fitted, strict=True
    ):
        shapely.prepare(outline_m)
        inside = shapely.contains(outline_m, reps)
        owners = cell_of[_owner(shapely.get_coordinates(reps[inside]), sites, weights[cell_of])]
        cells = []
        for i in range(len(zone.centres)):
            merged = shapely.union_all(faces[inside][owners == i])
            polygons = [g for g in shapely.get_parts(merged) if isinstance(g, Polygon)]
            cells.append(to_degrees(MultiPolygon(polygons)))
        site_points = [to_degrees(Point(x, y)) for x, y in sites[: len(zone.centres)]]
        results.append(Partition(cells=cells, sites=site_points, relative_area_error=float(error)))
    return results


def partition(
    outline: BaseGeometry,
    centres: Sequence[tuple[float, float]],
    target_areas: Sequence[float],
    **options,
) -> Partition:
    """Split one outline (lon/lat) into one cell per centre; see ``partition_zones``."""
    return partition_zones([Zone(outline, centres, target_areas)], **options)[0]
