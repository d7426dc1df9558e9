"""The Varnish bans that make the HTTP front cache forget exactly what a write changed.

The database tells what changed (NOTIFY ``commonmap_front``, tiles migration 0007): a
layer and the extent of its changed rows in EPSG:4326, a whole layer, or everything. A ban
names answers by the tags the app puts on them (core/front.py): ``X-Cm-Layers: ,a,b,``,
and ``X-Cm-Tile: z/x/y`` on vector tiles. The tiles under an extent are found with the
maths of the PG tile cache (tiles/sql/cache_store.sql: a tile's envelope expanded by its
buffer, ``BUFFER``/``EXTENT`` of its width, intersects the box), at every zoom 0..MAX_ZOOM.

Bans are tested by Varnish's ban lurker, so they test only ``obj.http.*``. Two limits of
Varnish 7 shape them: ``std.ban()`` keeps quotes as part of an argument, so arguments are
written unquoted (our regexes hold no spaces and no quotes); and a ban cannot test that a
header is missing (``!~`` never matches a missing header), so the non-tile answers of a
layer (TileJSON, the style, GeoJSON) are named by their JSON ``Content-Type``.
"""

import json
import math
import re
from dataclasses import dataclass

from core.front import EVERY_LAYER, LAYERS_HEADER, TILE_HEADER
from tiles.mvt import BUFFER, EXTENT, MAX_ZOOM, WEB_MERCATOR_WIDTH, tile_width

HALF = WEB_MERCATOR_WIDTH / 2
EARTH_RADIUS = 6378137.0
MAX_LATITUDE = 85.0511287798066  # the edge of Web Mercator's square world
# A zoom level whose tiles under a box span more columns plus rows than this is banned
# whole (``z/…``); an expression longer than MAX_EXPRESSION bans the layer's tiles whole.
MAX_LISTED = 32
MAX_EXPRESSION = 6000
# More boxes of one layer than this in one batch are merged into their extent.
MAX_BOXES = 8
_SAFE = re.compile(r"[A-Za-z0-9_-]")


@dataclass(frozen=True)
class Forget:
    """One notification: ``layer`` None forgets everything tagged; ``bbox`` None the whole
    layer; else the layer's answers under (west, south, east, north) in degrees."""

    layer: str | None
    bbox: tuple[float, float, float, float] | None = None


EVERYTHING = Forget(None)


def parse(payload: str) -> Forget:
    """The notification's payload as a ``Forget``; ValueError when it is not one."""
    data = json.loads(payload)
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    if data.get("all") is True:
        return EVERYTHING
    layer = data.get("layer")
    if not isinstance(layer, str) or not layer:
        raise ValueError("no layer")
    if data.get("whole") is True:
        return Forget(layer)
    bbox = data.get("bbox")
    if (
        not isinstance(bbox, list)
        or len(bbox) != 4
        or not all(isinstance(v, int | float) and math.isfinite(v) for v in bbox)
    ):
        raise ValueError("bbox is not four numbers")
    west, south, east, north = (float(v) for v in bbox)
    if west > east or south > north:
        raise ValueError("bbox is inverted")
    return Forget(layer, (west, south, east, north))


def mercator(lon: float, lat: float) -> tuple[float, float]:
    """EPSG:4326 degrees to EPSG:3857 metres (latitude clamped to the square world)."""
    lat = max(-MAX_LATITUDE, min(MAX_LATITUDE, lat))
    lon = max(-180.0, min(180.0, lon))
    x = EARTH_RADIUS * math.radians(lon)
    y = EARTH_RADIUS * math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
    return x, y


def tile_range(bbox: tuple[float, float, float, float], z: int) -> tuple[int, int, int, int]:
    """(x_min, x_max, y_min, y_max), inclusive: the tiles of zoom ``z`` whose envelope,
    expanded by the tile buffer, touches ``bbox`` (as ``envelope && box`` in the PG cache).
    A hair wider than exact, never narrower: a tile too many is refetched, one too few
    would stay stale."""
    west, south = mercator(bbox[0], bbox[1])
    east, north = mercator(bbox[2], bbox[3])
    width = tile_width(z)
    buffer = width * BUFFER / EXTENT
    eps = 1e-9
    last = (1 << z) - 1

    def span(low: float, high: float) -> tuple[int, int]:
        # Tile i covers [i*w - b, (i+1)*w + b] from the world's edge; it touches
        # [low, high] when i*w - b <= high and (i+1)*w + b >= low.
        first = math.ceil((low - buffer) / width - eps) - 1
        final = math.floor((high + buffer) / width + eps)
        return max(0, first), min(last, final)

    x_min, x_max = span(west + HALF, east + HALF)
    y_min, y_max = span(HALF - north, HALF - south)  # rows count from the north
    return x_min, x_max, y_min, y_max


def _choice(values: range) -> str:
    return "(" + "|".join(str(v) for v in values) + ")" if len(values) > 1 else str(values[0])


def tile_pattern(boxes: list[tuple[float, float, float, float]]) -> str:
    """A regex matching ``z/x/y`` of every tile under any of ``boxes`` at zooms 0..MAX_ZOOM:
    per zoom and box the columns × rows (``z/(x1|x2)/(y1|y2)``), or the whole zoom once
    they are more than MAX_LISTED."""
    parts: list[str] = []
    whole_zooms: list[int] = []
    for z in range(MAX_ZOOM + 1):
        zoom_parts = []
        for box in boxes:
            x_min, x_max, y_min, y_max = tile_range(box, z)
            xs, ys = range(x_min, x_max + 1), range(y_min, y_max + 1)
            if len(xs) + len(ys) > MAX_LISTED:
                zoom_parts = None
                break
            zoom_parts.append(f"{z}/{_choice(xs)}/{_choice(ys)}")
        if zoom_parts is None:
            whole_zooms.append(z)
        else:
            parts.extend(dict.fromkeys(zoom_parts))  # unique, in order
    if whole_zooms:
        parts.append(_choice(whole_zooms) + "/[0-9]+/[0-9]+")
    return "^(" + "|".join(parts) + ")$"


def _layer_regex(layer: str) -> str | None:
    """``,layer,`` as a regex of safe characters, or None when the name cannot be one."""
    if layer == EVERY_LAYER:
        return ",[*],"
    if not layer or len(layer) > 200:
        return None
    out = []
    for c in layer:
        if _SAFE.fullmatch(c):
            out.append(c)
        elif c in ".+?()|{}$^":
            out.append(f"[{c}]")
        else:
            return None  # quotes, spaces, backslashes: not in a slug
    return "," + "".join(out) + ","


def _extent(boxes: list[tuple[float, float, float, float]]) -> tuple[float, float, float, float]:
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def bans_for(forgets: list[Forget]) -> list[str]:
    """The ban expressions for a batch of notifications, merged per layer: everything
    tagged; a layer whole; or a layer's JSON answers and its tiles under the boxes."""
    everything = f"obj.http.{LAYERS_HEADER} ~ ."
    whole: dict[str, None] = {}
    boxes: dict[str, list[tuple[float, float, float, float]]] = {}
    for forget in forgets:
        if forget.layer is None:
            return [everything]
        if forget.bbox is None:
            whole[forget.layer] = None
        else:
            boxes.setdefault(forget.layer, []).append(forget.bbox)
    bans = []
    for layer in list(whole) + [name for name in boxes if name not in whole]:
        regex = _layer_regex(layer)
        if regex is None:
            return [everything]
        tagged = f"obj.http.{LAYERS_HEADER} ~ {regex}"
        if layer in whole:
            bans.append(tagged)
            continue
        layer_boxes = list(dict.fromkeys(boxes[layer]))
        if len(layer_boxes) > MAX_BOXES:
            layer_boxes = [_extent(layer_boxes)]
        bans.append(f"{tagged} && obj.http.Content-Type ~ json")
        tiles = f"{tagged} && obj.http.{TILE_HEADER} ~ {tile_pattern(layer_boxes)}"
        if len(tiles) > MAX_EXPRESSION and len(layer_boxes) > 1:
            tiles = f"{tagged} && obj.http.{TILE_HEADER} ~ {tile_pattern([_extent(layer_boxes)])}"
        if len(tiles) > MAX_EXPRESSION:
            tiles = f"{tagged} && obj.http.{TILE_HEADER} ~ ."
        bans.append(tiles)
    return bans
