"""How the raster renderer paints each layer: colours, line widths, point radii.

The renderer (tiles/raster.py) asks ``paint_for`` how to draw each row of a layer, by the
layer and the row's style key (the area's level, the facility's group).
"""

import zlib
from dataclasses import dataclass

from layers.layer_specs import areas_spec
from layers.spec import LayerSpec

BASEMAP = "basemap"

RGB = tuple[int, int, int]
RGBA = tuple[int, int, int, int]

SEA: RGB = (170, 211, 223)
LAND: RGB = (242, 239, 233)
WARD_BORDER: RGB = (180, 160, 190)
CITY_BORDER: RGB = (110, 80, 130)
AREA_LINE: RGB = (43, 108, 158)
POINT_OUTLINE: RGB = (255, 255, 255)
# Facilities by their category's group (layers.FacilityCategory.group).
GROUP_COLOURS: dict[str, RGB] = {
    "administration": (178, 34, 34),
    "public_safety": (31, 61, 122),
    "health": (214, 39, 40),
    "education": (255, 127, 14),
    "commerce": (148, 103, 189),
    "public_space": (44, 160, 44),
    "sanitation": (23, 190, 207),
}
OTHER_COLOUR: RGB = (90, 90, 90)
# Imported layers: one colour per layer, stable across restarts (crc32 of the slug).
PALETTE: tuple[RGB, ...] = (
    (31, 119, 180),
    (214, 39, 40),
    (44, 160, 44),
    (148, 103, 189),
    (255, 127, 14),
    (23, 190, 207),
    (140, 86, 75),
)
FILL_OPACITY = 77  # of 255: imported polygons are filled at 30 %

# The SQL expression, over a layer's FROM clause, that picks each row's style.
_STYLE_KEY = {"areas": "t.level", "facilities": 'c."group"'}
POINT_TYPES = ("Point", "MultiPoint")


@dataclass(frozen=True)
class Paint:
    """How to draw one row: polygon fill (with alpha), outline or line, point circle."""

    fill: RGBA | None = None
    line: RGB | None = None
    width: float = 1.0  # line width in output pixels
    radius: float = 0.0  # point radius in output pixels; 0 = points are not drawn
    rank: int = 0  # lines of a higher rank are drawn over those of a lower one


@dataclass(frozen=True)
class RasterLayer:
    """A layer as the renderer sees it: a registry layer, or the basemap."""

    name: str  # a registry slug, or BASEMAP
    spec: LayerSpec
    key_sql: str


def _point_radius(z: int) -> float:
    return 1.5 if z < 10 else 2.5 if z < 13 else 3.5


def paint_for(layer: RasterLayer, key: str | None, z: int) -> Paint:
    """The paint of a row of ``layer`` whose style key is ``key`` (level, group, ...)."""
    if layer.name == BASEMAP:
        land = (*LAND, 255)
        if key == "ward":
            return Paint(fill=land, line=WARD_BORDER, width=1.0, rank=1)
        if key == "district":
            return Paint(fill=land, line=WARD_BORDER, width=1.5, rank=2)
        return Paint(fill=land, line=CITY_BORDER, width=2.5, rank=3)
    if layer.name == "areas":
        if key == "ward":
            return Paint(line=AREA_LINE, width=1.0, rank=1)
        return Paint(line=AREA_LINE, width=2.0, rank=2)
    if layer.name == "facilities":
        return Paint(
            fill=(*GROUP_COLOURS.get(key or "", OTHER_COLOUR), 255), radius=_point_radius(z)
        )
    colour = PALETTE[zlib.crc32(layer.name.encode()) % len(PALETTE)]
    return Paint(fill=(*colour, FILL_OPACITY), line=colour, width=2.0, radius=_point_radius(z))


def raster_layers(specs: list[LayerSpec], basemap: bool) -> list[RasterLayer]:
    layers = [RasterLayer(BASEMAP, areas_spec(), "t.level")] if basemap else []
    return layers + [RasterLayer(s.slug, s, _STYLE_KEY.get(s.slug, "NULL")) for s in specs]
