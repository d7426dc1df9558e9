"""Standard XYZ tile arithmetic for the tile tests, written here independently of the
project's tile SQL so that the tests check it rather than repeat it."""

import math


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The (x, y) of the zoom-``z`` tile holding a lon/lat."""
    n = 2**z
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return x, y
