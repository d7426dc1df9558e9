"""Fill the vector-tile cache for a bounding box and a zoom range, with a progress bar.

    manage.py seed_tiles --layers areas,facilities --bbox 106.6,10.7,106.8,10.85 --zoom 8-14

Tiles already cached are skipped (unless --force); the cache invalidates itself when data
change, so a seed stays correct, it only gets less complete.
"""

import math

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from core.errors import CommonMapError
from layers.params import parse_bbox
from tiles import cache
from tiles.mvt import MAX_ZOOM
from tiles.services import render_tile, specs_named

HCMC_BBOX = "106.35,8.55,107.6,11.6"  # the city, Côn Đảo included


def tile_range(bbox: tuple[float, float, float, float], z: int) -> tuple[range, range]:
    """The x and y ranges of the XYZ tiles at zoom ``z`` that cover ``bbox`` (lon/lat)."""
    n = 1 << z

    def tx(lon: float) -> int:
        return min(n - 1, max(0, math.floor((lon + 180.0) / 360.0 * n)))

    def ty(lat: float) -> int:
        lat = max(-85.0511287798, min(85.0511287798, lat))
        merc = math.asinh(math.tan(math.radians(lat)))
        return min(n - 1, max(0, math.floor((1.0 - merc / math.pi) / 2.0 * n)))

    return range(tx(bbox[0]), tx(bbox[2]) + 1), range(ty(bbox[3]), ty(bbox[1]) + 1)


def _zooms(raw: str) -> range:
    try:
        low, _dash, high = raw.partition("-")
        zooms = range(int(low), int(high or low) + 1)
    except ValueError:
        raise CommandError(f"--zoom must be N or N-M, got {raw!r}") from None
    if not zooms or zooms.start < 0 or zooms.stop - 1 > MAX_ZOOM:
        raise CommandError(f"--zoom must lie within 0-{MAX_ZOOM}, got {raw!r}")
    return zooms


class Command(BaseCommand):
    help = "Pre-compute vector tiles of some layers for a bounding box and a zoom range."

    def add_arguments(self, parser):
        parser.add_argument("--layers", default="areas,facilities", help="comma-separated")
        parser.add_argument("--bbox", default=HCMC_BBOX, help="minLon,minLat,maxLon,maxLat")
        parser.add_argument("--zoom", default="8-14", help="N or N-M (default 8-14)")
        parser.add_argument("--force", action="store_true", help="recompute cached tiles too")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, layers, bbox, zoom, force, no_progress, **options):
        try:
            specs = specs_named(layers, None)
            box = parse_bbox(bbox)
        except CommonMapError as exc:
            raise CommandError(exc.message) from None
        key = ",".join(s.slug for s in specs)
        jobs = []
        for z in _zooms(zoom):
            xs, ys = tile_range(box, z)
            jobs += [(z, x, y) for x in xs for y in ys]
        computed = skipped = empty = 0
        for z, x, y in tqdm(jobs, unit="tile", disable=no_progress, desc=key):
            if not force and cache.cached(key, z, x, y) is not None:
                skipped += 1
                continue
            if force:
                cache.forget_tile(key, z, x, y)
            data, _etag, _hit = render_tile(specs, z, x, y)
            computed += 1
            empty += not data
        self.stdout.write(
            f"{len(jobs)} tiles of {key}: {computed} computed ({empty} empty), "
            f"{skipped} already cached"
        )
