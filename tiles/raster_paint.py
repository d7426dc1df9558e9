"""How the raster renderer paints each layer: colours, line widths, point radii.

The renderer (tiles/raster.py) asks ``paint_for`` how to draw each row of a layer, by the
layer and the row's style key (the value of the property its paint is keyed on: the area's
level, the facility's category group). Colours and widths come from the layer's declaration
(``LayerSpec.paint``), which the MapLibre style reads too; only the basemap, a pseudo-layer
of the renderer's own, is painted here.
"""

from dataclasses import dataclass

from layers.layer_specs import areas_spec
from layers.spec import LayerSpec, hex_rgb

BASEMAP = "basemap"

RGB = tuple[int, int, int]
RGBA = tuple[int, int, int, int]

SEA: RGB = (170, 211, 223)
LAND: RGB = (242, 239, 233)
WARD_BORDER: RGB = (180, 160, 190)
CITY_BORDER: RGB = (110, 80, 130)
POINT_OUTLINE: RGB = (255, 255, 255)
OTHER_COLOUR: RGB = (90, 90, 90)
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


def alpha(opacity: float) -> int:
    """An opacity (0-1) as an 8-bit alpha, rounded half up (0.3 → 77)."""
    return int(opacity * 255 + 0.5)


def paint_for(layer: RasterLayer, key: str | None, z: int) -> Paint:
    """The paint of a row of ``layer`` whose style key is ``key`` (level, group, ...)."""
    if layer.name == BASEMAP:
        land = (*LAND, 255)
        if key == "ward":
            return Paint(fill=land, line=WARD_BORDER, width=1.0, rank=1)
        if key == "district":
            return Paint(fill=land, line=WARD_BORDER, width=1.5, rank=2)
        return Paint(fill=land, line=CITY_BORDER, width=2.5, rank=3)
    declared = layer.spec.paint
    chosen = declared.for_value(key)
    colour = hex_rgb(chosen.colour)
    if layer.spec.geometry_type in POINT_TYPES:
        return Paint(fill=(*colour, 255), radius=_point_radius(z))
    opacity = alpha(chosen.fill_opacity)
    fill = (*hex_rgb(declared.fill or chosen.colour), opacity) if opacity else None
    return Paint(
        fill=fill,
        line=colour,
        width=chosen.width,
        radius=_point_radius(z),
        # Thicker lines (a city's outline) are drawn over thinner ones (wards').
        rank=round(chosen.width * 10),
    )


def _key_sql(spec: LayerSpec) -> str:
    """The SQL, over the layer's FROM clause, of the column its paint is keyed on (a
    declared expression: the system check allows keys on columns only, not attributes)."""
    field = next((f for f in spec.fields if f.name == spec.paint.key), None)
    return field.sql if field is not None and field.sql else "NULL"


def raster_layers(specs: list[LayerSpec], basemap: bool) -> list[RasterLayer]:
    """The layers to draw, the basemap (keyed on the areas' level) first when asked for."""
    layers = [RasterLayer(BASEMAP, areas_spec(), "t.level")] if basemap else []
    return layers + [RasterLayer(s.slug, s, _key_sql(s)) for s in specs]
