"""How each tile set is measured: the floor and HTTP cold in turns, HTTP warm over a full
cache, TiPg once; and where a cold tile's time goes, step by step.
"""

import gzip
import random
import time
from dataclasses import dataclass, field

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from _tiles.clients import HttpClient, Run, SqlClient, run_clients
from _tiles.grid import Tile, TileSet
from _tiles.layer import SLUG
from layers.registry import get_layer
from tiles import cache
from tiles.services import compress_tile, make_tile

STEADY_SECONDS, MAX_ROUNDS = 0.5, 30  # cheap sets get more rounds, for steadier figures
WORKERS, THREADS = 2, 2  # gunicorn on 2 cores, see the README


@dataclass
class Figures:
    """Every way's runs for one tile set."""

    floor: Run = field(default_factory=Run)
    cold: Run = field(default_factory=Run)
    warm: Run = field(default_factory=Run)
    tipg: Run | None = None
    kept: int = 0  # tiles the cold rounds left in the cache, all rounds together
    tipg_largest: tuple[int, int] = (0, 0)  # TiPg's largest tile, raw and gzip bytes


def largest(bodies: dict[Tile, bytes]) -> tuple[int, int]:
    """The largest tile of gzip answers: (uncompressed, gzip) bytes."""
    sizes = [(len(gzip.decompress(b)) if b else 0, len(b)) for b in bodies.values()]
    return max(sizes) if sizes else (0, 0)


def cached_tiles(tiles: list[Tile]) -> int:
    """How many of the tiles the cache holds."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM tiles_cachedtile WHERE layers_key = %s AND z = %s "
            "AND (x, y) IN (SELECT * FROM unnest(%s::int[], %s::int[]))",
            [tiles[0].layers, tiles[0].z, [t.x for t in tiles], [t.y for t in tiles]],
        )
        return cursor.fetchone()[0]


def measure_set(
    tile_set: TileSet,
    sql_clients: list[SqlClient],
    http_clients: list[HttpClient],
    tipg_clients: list[HttpClient] | None,
    rounds: int,
    warm_rounds: int,
) -> Figures:
    """The floor and HTTP cold in turns, ``rounds`` times or more for cheap tiles (until
    the floor has run STEADY_SECONDS, at most MAX_ROUNDS), after one untimed pass of the
    floor (so that neither way meets the pages of these tiles first), each round's order
    the other way round from the last's and the cache cleared before each cold round; then
    HTTP warm over a full cache; then TiPg once (it has no cache)."""
    figures = Figures()
    run_clients(sql_clients, tile_set.tiles)
    i = 0
    while i < rounds or (figures.floor.seconds < STEADY_SECONDS and i < MAX_ROUNDS):
        if i % 2:
            figures.floor.add(run_clients(sql_clients, tile_set.tiles))
        cache.clear(SLUG)
        figures.cold.add(run_clients(http_clients, tile_set.tiles))
        figures.kept += cached_tiles(tile_set.tiles)
        if not i % 2:
            figures.floor.add(run_clients(sql_clients, tile_set.tiles))
        i += 1
    # Tiles a cold round computed but did not keep are asked again, one at a time.
    for _ in range(3):
        if cached_tiles(tile_set.tiles) == len(tile_set.tiles):
            break
        run_clients(http_clients[:1], tile_set.tiles)
    if cached_tiles(tile_set.tiles) != len(tile_set.tiles):
        raise SystemExit(f"{tile_set.label}: the cache does not keep the tiles")
    work = tile_set.tiles * warm_rounds
    random.Random(tile_set.z).shuffle(work)
    figures.warm = run_clients(http_clients, work)
    if tipg_clients is not None:
        figures.tipg = run_clients(tipg_clients, tile_set.tiles)
        figures.tipg_largest = largest(figures.tipg.bodies)
        figures.tipg.bodies = {}  # tens of MB at low zooms: keep the sizes only
    return figures


def cold_breakdown(tile_set: TileSet) -> dict[str, float]:
    """Where a cold tile's time goes, the steps of tiles.services.compute_tile (after the
    view's cache lookup) timed one by one in this process (one client, no HTTP): mean
    milliseconds a tile."""
    cache.clear(SLUG)
    specs = [get_layer(slug, None) for slug in tile_set.layers.split(",")]
    slugs = [s.slug for s in specs]
    steps = {"lookup": 0.0, "tile SQL": 0.0, "gzip": 0.0, "store": 0.0}
    for tile in tile_set.tiles:
        t0 = time.perf_counter()
        if cache.cached(tile.layers, tile.z, tile.x, tile.y) is not None:
            raise SystemExit(f"{tile.path}: cached after the cache was cleared")
        t1 = time.perf_counter()
        raw, snapshot = make_tile(specs, tile.z, tile.x, tile.y)
        t2 = time.perf_counter()
        data = compress_tile(raw)
        t3 = time.perf_counter()
        cache.store(slugs, tile.layers, tile.z, tile.x, tile.y, data, "bench", snapshot)
        t4 = time.perf_counter()
        for key, took in zip(steps, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
            steps[key] += took * 1000 / len(tile_set.tiles)
    cache.clear(SLUG)
    return steps


def warm_queries(tile: Tile) -> list[str]:
    """The SQL statements one warm request makes, through Django's test client (the
    connection health check, a plain SELECT 1 on the psycopg connection, is not listed)."""
    client = Client()
    client.get(tile.path, HTTP_ACCEPT_ENCODING="gzip")  # cached now
    with CaptureQueriesContext(connection) as queries:
        answer = client.get(tile.path, HTTP_ACCEPT_ENCODING="gzip")
    if answer.status_code not in (200, 204):
        raise SystemExit(f"{tile.path}: {answer.status_code}")
    return [" ".join(q["sql"].split())[:90] for q in queries.captured_queries]
