"""Raster tiles (PNG) of the registry's layers and of a basemap, drawn with Pillow.

MapProxy's source (``tiles/mapproxy/``), which serves them, cached, to clients that cannot
draw vector tiles; the renderer draws for MapProxy only (``tiles/raster_views.py``).
PostGIS puts every geometry into the tile's pixel grid first (``ST_AsMVTGeom`` at
``SUPERSAMPLE`` × 256 pixels: clipped, simplified to the pixel, y pointing down as in an
image), all layers in one statement, so a tile costs one round trip. Pillow draws at that
size and the image is shrunk to 256 × 256 by averaging (anti-aliasing).

``basemap`` is a pseudo-layer drawn from the project's own data, so that no internet is
needed: sea-coloured background, land = the current generation's areas filled, ward
borders thin, the city outline thicker. Data layers are transparent where empty.
"""

import functools
import io

import numpy as np
import shapely
from django.db import connection
from PIL import Image, ImageDraw
from psycopg import sql

from layers.spec import LayerSpec
from tiles.mvt import tile_geometry, tile_width
from tiles.raster_paint import (
    BASEMAP,
    OTHER_COLOUR,
    POINT_OUTLINE,
    POINT_TYPES,
    RGBA,
    SEA,
    Paint,
    RasterLayer,
    paint_for,
    raster_layers,
)
from tiles.sql import load_sql

TILE_SIZE = 256
SUPERSAMPLE = 4
CANVAS = TILE_SIZE * SUPERSAMPLE
BUFFER_PX = 8  # output pixels drawn beyond each edge: lines and circles cross edges cleanly
# The header by which MapProxy shows the shared token (COMMONMAP_RASTER_TOKEN): drawing a
# tile takes seconds, so the renderer draws for MapProxy, which caches, and nobody else.
RASTER_TOKEN_HEADER = "X-Commonmap-Raster-Token"  # noqa: S105 (a header name)


def _layer_sql(index: int, layer: RasterLayer, z: int) -> sql.Composed:
    spec = layer.spec
    points = spec.geometry_type in POINT_TYPES and layer.name != BASEMAP
    rows = sql.SQL(load_sql("raster_rows")).format(
        geom=tile_geometry(spec, z, CANVAS, simplify=not points),
        extent=sql.Literal(CANVAS),
        buffer=sql.Literal(BUFFER_PX * SUPERSAMPLE),
        key=sql.SQL(layer.key_sql),
        source=spec.from_clause(),
        where=spec.where_clause(),
        column=spec.geometry(),
    )
    return sql.SQL(load_sql("raster_points" if points else "raster_shapes")).format(
        index=sql.Literal(index), rows=rows, supersample=sql.Literal(SUPERSAMPLE)
    )


def tile_sql(specs: list[LayerSpec], basemap: bool, z: int, x: int, y: int) -> sql.Composed:
    """One statement returning (layer index, style key, WKB in canvas pixels) rows for
    every layer of the tile, the basemap (index 0) first when asked for. Composed whole,
    values as literals, and run without parameters (as ``tiles.mvt.tile_sql``)."""
    parts = [
        sql.SQL("({})").format(_layer_sql(i, layer, z))
        for i, layer in enumerate(raster_layers(specs, basemap))
    ]
    return sql.SQL(load_sql("raster_tile")).format(
        buffer=sql.Literal(tile_width(z) * BUFFER_PX / TILE_SIZE),
        z=sql.Literal(z),
        x=sql.Literal(x),
        y=sql.Literal(y),
        layers=sql.SQL(" UNION ALL ").join(parts),
    )


def _flat(coords: np.ndarray) -> list[float]:
    # Canvas coordinates measure from pixel edges; Pillow's name pixel centres.
    return (coords - 0.5).ravel().tolist()


def _coordinate_lists(geoms: np.ndarray) -> list[list[float]]:
    """Each geometry's coordinates as a flat Pillow list, in one pass through GEOS."""
    if len(geoms) == 0:
        return []
    coords, index = shapely.get_coordinates(geoms, return_index=True)
    ends = np.cumsum(np.bincount(index, minlength=len(geoms)))[:-1]
    return [_flat(part) for part in np.split(coords, ends)]


def _single_parts(paints: list[Paint], geoms: np.ndarray) -> tuple[list[Paint], np.ndarray]:
    """Multi-part geometries and collections split into their parts, each with its paint."""
    while len(geoms) and (shapely.get_type_id(geoms) >= 4).any():
        geoms, index = shapely.get_parts(geoms, return_index=True)
        paints = [paints[i] for i in index]
    return paints, geoms


def _fill(image: Image.Image, polygon, exterior: list[float], ink) -> None:
    """Fill a polygon with ``ink`` (a colour on the canvas, 255 on a mask)."""
    holes = shapely.get_num_interior_rings(polygon)
    if not holes:
        ImageDraw.Draw(image).polygon(exterior, fill=ink)
        return
    # Holes are cut out of this polygon only, never out of what lies beneath it.
    own = Image.new("L", image.size, 0)
    draw = ImageDraw.Draw(own)
    draw.polygon(exterior, fill=255)
    for i in range(holes):
        draw.polygon(_flat(shapely.get_coordinates(shapely.get_interior_ring(polygon, i))), fill=0)
    image.paste(ink, None, own)


def _draw_fills(canvas: Image.Image, paints: list[Paint], polygons: np.ndarray) -> None:
    """Opaque fills straight onto the canvas; each translucent colour through one mask, so
    that overlapping polygons of a layer do not darken each other."""
    masks: dict[RGBA, Image.Image] = {}
    exteriors = _coordinate_lists(shapely.get_exterior_ring(polygons))
    for paint, polygon, exterior in zip(paints, polygons, exteriors, strict=True):
        if paint.fill is None or len(exterior) < 6:
            continue
        if paint.fill[3] == 255:
            _fill(canvas, polygon, exterior, paint.fill)
            continue
        if paint.fill not in masks:
            masks[paint.fill] = Image.new("L", canvas.size, 0)
        _fill(masks[paint.fill], polygon, exterior, 255)
    for colour, mask in masks.items():
        layer = Image.new("RGBA", canvas.size, (*colour[:3], 0))
        layer.putalpha(mask.point(lambda v, a=colour[3]: v * a // 255))
        canvas.alpha_composite(layer)


def _draw_layer(canvas: Image.Image, paints: list[Paint], geoms: np.ndarray) -> None:
    """Polygon fills, then lines (polygon outlines too) by rank, then points. Lines and
    points are opaque, so they are drawn straight onto the canvas."""
    paints, geoms = _single_parts(paints, geoms)
    kinds = shapely.get_type_id(geoms)
    polygons = np.flatnonzero(kinds == 3)
    _draw_fills(canvas, [paints[i] for i in polygons], geoms[polygons])

    draw = ImageDraw.Draw(canvas)
    stroked = np.array([p.line is not None for p in paints], dtype=bool)
    rings, owners = shapely.get_rings(geoms[polygons[stroked[polygons]]], return_index=True)
    owners = polygons[stroked[polygons]][owners]
    lines = np.flatnonzero(np.isin(kinds, (1, 2)) & stroked)
    line_paints = [paints[i] for i in owners] + [paints[i] for i in lines]
    line_coords = _coordinate_lists(np.concatenate([rings, geoms[lines]]))
    for paint, coords in sorted(
        zip(line_paints, line_coords, strict=True), key=lambda item: item[0].rank
    ):
        width = max(1, round(paint.width * SUPERSAMPLE))
        draw.line(coords, fill=paint.line, width=width, joint="curve")

    points = np.flatnonzero((kinds == 0) & np.array([p.radius > 0 for p in paints], dtype=bool))
    for i, (cx, cy) in zip(points, shapely.get_coordinates(geoms[points]) - 0.5, strict=True):
        paint = paints[i]
        r = paint.radius * SUPERSAMPLE
        draw.ellipse(
            (cx - r, cy - r, cx + r, cy + r),
            fill=paint.fill[:3] if paint.fill else OTHER_COLOUR,
            outline=POINT_OUTLINE,
            width=SUPERSAMPLE,
        )


def draw_tile(
    layers: list[RasterLayer], rows: list[tuple[int, str | None, bytes]], z: int
) -> Image.Image:
    """The 256 × 256 image of the rows; RGB when a basemap is drawn, RGBA otherwise."""
    basemap = bool(layers) and layers[0].name == BASEMAP
    background = (*SEA, 255) if basemap else (0, 0, 0, 0)
    canvas = Image.new("RGBA", (CANVAS, CANVAS), background)
    geoms = shapely.from_wkb([bytes(row[2]) for row in rows])
    indexes = np.array([row[0] for row in rows])
    paints: dict[tuple[int, str | None], Paint] = {}
    for index in sorted(set(indexes.tolist())):
        chosen = indexes == index
        keys = [row[1] for row, keep in zip(rows, chosen, strict=True) if keep]
        for key in set(keys):
            paints[(index, key)] = paint_for(layers[index], key, z)
        _draw_layer(canvas, [paints[(index, key)] for key in keys], geoms[chosen])
    image = canvas.resize((TILE_SIZE, TILE_SIZE), Image.Resampling.BOX)
    return image.convert("RGB") if basemap else image


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=6)
    return out.getvalue()


@functools.cache
def _blank_png(basemap: bool) -> bytes:
    if basemap:
        return _png(Image.new("RGB", (TILE_SIZE, TILE_SIZE), SEA))
    return _png(Image.new("RGBA", (TILE_SIZE, TILE_SIZE), (0, 0, 0, 0)))


def render_tile(specs: list[LayerSpec], basemap: bool, z: int, x: int, y: int) -> bytes:
    """The PNG of tile z/x/y (Web Mercator, XYZ numbering) of the layers, the basemap
    beneath them when asked for, in one database round trip. A layer is drawn only at the
    zooms it declares."""
    specs = [s for s in specs if s.minzoom <= z <= s.maxzoom]
    if not specs and not basemap:
        return _blank_png(basemap)
    with connection.cursor() as cursor:
        cursor.execute(tile_sql(specs, basemap, z, x, y))
        rows = cursor.fetchall()
    if not rows:
        return _blank_png(basemap)
    return _png(draw_tile(raster_layers(specs, basemap), rows, z))
