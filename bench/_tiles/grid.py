"""The tiles the benchmark asks for: 3 × 3 sets around two places at five zooms, and the
standard XYZ formulas the checks count points with (independent of ``tiles.mvt``'s SQL).
"""

import math
from dataclasses import dataclass

from _tiles.layer import SLUG
from tiles.mvt import EXTENT, tile_width
from tiles.pyramid import HALF

ZOOMS = (8, 10, 12, 14, 16)
PLACES = {"centre": (106.70, 10.78), "outskirts": (106.45, 10.95)}  # Sài Gòn; Củ Chi
LAYER_SETS = (SLUG, f"areas,{SLUG}")

EARTH_RADIUS = 6378137.0


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The XYZ tile holding a point (the standard slippy-map formulas)."""
    side = 1 << z
    x = int((lon + 180) / 360 * side)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * side)
    return x, y


def tile_bounds(z: int, x: int, y: int, buffer: float = 0) -> tuple[float, float, float, float]:
    """(west, south, east, north) in degrees of a tile, widened by ``buffer`` tile units."""
    width = tile_width(z)
    margin = width * buffer / EXTENT
    left, top = -HALF + x * width - margin, HALF - y * width + margin
    right, bottom = left + width + 2 * margin, top - width - 2 * margin

    def lon(mx: float) -> float:
        return mx / HALF * 180

    def lat(my: float) -> float:
        return math.degrees(math.atan(math.sinh(my / EARTH_RADIUS)))

    return lon(left), lat(bottom), lon(right), lat(top)


@dataclass(frozen=True)
class Tile:
    """One tile of a set of layers."""

    layers: str
    z: int
    x: int
    y: int

    @property
    def path(self) -> str:
        """Its URL path in the app."""
        return f"/tiles/{self.layers}/{self.z}/{self.x}/{self.y}.mvt"


@dataclass
class TileSet:
    """The 3 × 3 tiles around a place at one zoom, for one set of layers."""

    layers: str
    z: int
    place: str
    centre: tuple[int, int]
    tiles: list[Tile]

    @property
    def label(self) -> str:
        """How the tables name it."""
        return f"z{self.z} {self.place} ({self.centre[0]},{self.centre[1]})"


def tile_sets(layers: str) -> list[TileSet]:
    """Every zoom × place set of a set of layers."""
    sets = []
    for z in ZOOMS:
        for place, (lon, lat) in PLACES.items():
            cx, cy = tile_of(lon, lat, z)
            tiles = [Tile(layers, z, cx + dx, cy + dy) for dy in (-1, 0, 1) for dx in (-1, 0, 1)]
            sets.append(TileSet(layers, z, place, (cx, cy), tiles))
    return sets
