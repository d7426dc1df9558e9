"""The warm ways side by side, every one loaded by the same wrk: the same tile bytes from a
static file (nginx, the baseline), from a PMTiles archive (nginx, range requests), through
the app's front cache (Varnish) and from the app itself (gunicorn, its tile cache). Each
way's answers are first checked byte for byte against the app's.
"""

import argparse
import http.client
import os
import shutil
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from importlib.metadata import version

import psycopg
from _common import row

from _tiles.checks import canonical, decoded
from _tiles.grid import LAYER_SETS, ZOOMS, Tile, TileSet
from _tiles.layer import SLUG, connect
from _tiles.measure import WORKERS, Figures
from _tiles.peers import (
    WORKDIR,
    archive_name,
    front_server,
    nginx_server,
    pmtiles_ranges,
    write_pmtiles,
    write_static,
)
from _tiles.wrk import WRK, Load, run_wrk

WARM_AIM = 0.5  # the app's warm tiles through its front: at least this share of static
HIT = ("X-Cache", "HIT")  # what the front (front/commonmap.vcl) says of a cache hit
STATIC, PMTILES, FRONT, DJANGO = (
    "static nginx (baseline)",
    "PMTiles (nginx, ranges)",
    "via front (Varnish)",
    "Django (no front)",
)
TABLE = {"width": 30, "cell": 10}


@dataclass
class Way:
    """One warm way: where it is, each tile's request (path, Range header), what it runs."""

    label: str
    url: str
    requests: dict[Tile, tuple[str, str | None]]
    allowed: set[int]
    pids: list[int]
    hit: tuple[str, str] | None = None
    loads: dict[str, Load] = field(default_factory=dict)  # the best run of each row


def answer(url: str, path: str, byte_range: str | None) -> tuple[int, bytes, dict[str, str]]:
    """One GET asking for gzip (and a range): status, body, headers."""
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        headers = {"Accept-Encoding": "gzip"}
        if byte_range:
            headers["Range"] = byte_range
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        conn.close()


def same_tile(body: bytes, expected: bytes) -> bool:
    """The same bytes, or the same features: a tile computed again (its cache forgotten by
    another writer meanwhile) may list its rows in another order."""
    if body == expected:
        return True
    try:
        return canonical(decoded(body)) == canonical(decoded(expected))
    except (OSError, ValueError, EOFError):  # not gzip, not a tile
        return False


def check_way(way: Way, bodies: dict[Tile, bytes]) -> list[str]:
    """Every tile of the way gives the app's bytes (gzip, or nothing for an empty tile);
    through a cache, the second answer is a hit."""
    problems = []
    for tile, (path, byte_range) in way.requests.items():
        status, body, headers = answer(way.url, path, byte_range)
        if way.hit:  # the first answer may have filled the cache: ask again
            status, body, headers = answer(way.url, path, byte_range)
            if body and headers.get(way.hit[0]) != way.hit[1]:
                problems.append(f"{way.label} {path}: {way.hit[0]} {headers.get(way.hit[0])}")
        if body and headers.get("Content-Encoding") != "gzip" and not byte_range:
            problems.append(f"{way.label} {path}: not sent as gzip")
        if status not in way.allowed or not same_tile(body, bodies[tile]):
            problems.append(f"{way.label} {path}: {status}, {len(body)} bytes, not the app's")
    return problems


def pmtiles_way(url: str, pid: int, tiles: list[Tile]) -> Way:
    """The PMTiles way: the directories read once per archive, as MapLibre does; a range
    read per tile that is in an archive (an empty tile is not: no request)."""
    requests = {}
    for layers in sorted({t.layers for t in tiles}):
        mine = [t for t in tiles if t.layers == layers]
        for tile, byte_range in pmtiles_ranges(url, layers, mine).items():
            if byte_range is not None:
                requests[tile] = (f"/pmtiles/{archive_name(layers)}", byte_range)
    return Way(PMTILES, url, requests, {206}, [pid])


def row_tiles(tiles: list[Tile]) -> list[tuple[str, list[Tile]]]:
    """The table's rows: each zoom's tiles (both places, both sets of layers), then all."""
    return [(f"z{z}", [t for t in tiles if t.z == z]) for z in ZOOMS] + [("all", tiles)]


def side_by_side(
    ways: list[Way], tiles: list[Tile], seconds: int, rounds: int, connections: int
) -> list[str]:
    """Each row's ways in turns, ``rounds`` times, the best run of each kept; printed."""
    problems = []
    print(
        f"\nwarm, side by side: wrk, 1 thread, {connections} keep-alive connections asking "
        f"for gzip, {seconds:g} s a way, the ways in turns, best of {rounds}; vs static = "
        "this way's tiles/s ÷ static nginx's; CPU: wrk's and the server's, in cores"
    )
    row("", "tiles/s", "p50 ms", "p95 ms", "MB/s", "vs static", "wrk CPU", "srv CPU", **TABLE)
    for label, mine in row_tiles(tiles):
        for _ in range(rounds):
            for way in ways:
                requests = [way.requests[t] for t in mine if t in way.requests]
                if not requests:
                    continue
                load = run_wrk(
                    way.url,
                    requests,
                    seconds,
                    connections,
                    allowed=way.allowed,
                    hit=way.hit,
                    server_pids=way.pids,
                )
                if load.wrong or load.missed:
                    problems.append(
                        f"{way.label} {label}: {load.wrong} wrong answers, "
                        f"{load.missed} not cache hits"
                    )
                best = way.loads.get(label)
                if best is None or load.rate > best.rate:
                    way.loads[label] = load
        count = len({t for t in mine})
        print(f"  {label} ({count} tiles)")
        static = next(w for w in ways if w.label == STATIC).loads[label]
        for way in ways:
            load = way.loads.get(label)
            if load is None:
                continue
            row(
                "  " + way.label,
                f"{load.rate:,.0f}",
                f"{load.p50_ms:.2f}",
                f"{load.p95_ms:.2f}",
                f"{load.megabytes / load.seconds:,.0f}",
                f"{load.rate / static.rate:.2f}x",
                f"{load.client_cpu:.2f}",
                f"{load.server_cpu:.2f}",
                **TABLE,
            )
    return problems


def summarise_warm(ways: list[Way]) -> None:
    """The aim for warm tiles, met or not, and who limited."""
    by_label = {w.label: w for w in ways}
    static = by_label[STATIC].loads
    for label, aim in ((FRONT, WARM_AIM), (DJANGO, None), (PMTILES, None)):
        way = by_label.get(label)
        if way is None:
            print(f"  warm {label}: not measured")
            continue
        ratios = sorted(way.loads[r].rate / static[r].rate for r in way.loads if r != "all")
        overall = way.loads["all"].rate / static["all"].rate
        verdict = ""
        if aim is not None:
            verdict = f"; aim ≥ {aim}x: {'met' if overall >= aim else 'MISSED'}"
        print(
            f"  warm {label} / static nginx: {overall:.2f}x over all tiles "
            f"({way.loads['all'].rate:,.0f} vs {static['all'].rate:,.0f} tiles/s), "
            f"{ratios[0]:.2f}x to {ratios[-1]:.2f}x by zoom{verdict}"
        )
    busiest = max(w.loads["all"].client_cpu for w in ways)
    print(
        f"  the client: wrk took at most {busiest:.0%} of a core (over all tiles); where it "
        "nears 100 % the client, not the server, limits that way"
    )


# The distinct tiles holding points at each zoom: how many tiles a full tileset has.
TILES_PER_ZOOM = """
WITH p AS MATERIALIZED (
  SELECT DISTINCT floor((ST_X(geom) + 180) / 360 * 65536)::int AS x,
         floor((1 - ln(tan(radians(ST_Y(geom))) + 1 / cos(radians(ST_Y(geom)))) / pi())
               / 2 * 65536)::int AS y
  FROM layers_feature WHERE layer_id = %s)
SELECT z, (SELECT count(*) FROM (SELECT DISTINCT x >> (16 - z), y >> (16 - z) FROM p) AS t)
FROM generate_series(0, 16) AS z ORDER BY z
"""


def build_cost(
    conn: psycopg.Connection,
    layer_id: int,
    results: list[tuple[TileSet, Figures]],
    written: dict[str, tuple[int, int, float]],
) -> None:
    """What the PMTiles archives cost: the tiles' rendering (at the floor's pace) and the
    writing; and an estimate for a whole tileset of the layer, z0–z16."""
    print("\nPMTiles: what a pre-built tileset costs")
    for layers, (count, size, seconds) in written.items():
        render = sum(len(s.tiles) / f.floor.rate for s, f in results if s.layers == layers)
        print(
            f"  {archive_name(layers)}: {count} tiles, {size / 1024:,.0f} KB, written in "
            f"{seconds * 1000:.0f} ms by pmtiles {version('pmtiles')} (Python); rendering "
            f"them took {render:.1f} s at the raw SQL floor's pace"
        )
    start = time.perf_counter()
    counts = dict(conn.execute(TILES_PER_ZOOM, (layer_id,)).fetchall())
    took = time.perf_counter() - start
    # Each zoom at the floor's pace of the nearest measured zoom at or below it (the mean
    # tile time of the centre and the outskirts, both under the benchmark's clients).
    pace = {}
    for tile_set, figures in results:
        if tile_set.layers == SLUG:
            pace.setdefault(tile_set.z, []).append(1 / figures.floor.rate)
    estimate = 0.0
    for z, count in counts.items():
        measured = max((m for m in pace if m <= z), default=min(pace))
        estimate += count * sum(pace[measured]) / len(pace[measured])
    print(
        f"  a whole tileset of {SLUG}, z0–z16: {sum(counts.values()):,} tiles holding points "
        f"({counts[16]:,} at z16; counted in {took:.1f} s), about {estimate / 60:,.0f} min "
        "to render at the floor's pace; then static: a write to the layer is not seen until "
        "the archive is built again (no invalidation), where the app's cache and its front "
        "forget only the tiles a write touches"
    )


def measure_peers(
    app_url: str,
    app_pid: int,
    layer_id: int,
    results: list[tuple[TileSet, Figures]],
    options: argparse.Namespace,
) -> list[str]:
    """The warm ways side by side over every tile the benchmark measured, the peers made
    from the app's own answers; the problems found (none: the figures stand)."""
    if WRK is None:
        print("\nwarm peers: not measured: wrk is not installed (scripts/install_system.sh)")
        return []
    bodies: dict[Tile, bytes] = {}
    for _, figures in results:
        bodies.update(figures.warm.bodies)
    tiles = list(bodies)
    workdir = WORKDIR / str(os.getpid())
    shutil.rmtree(workdir, ignore_errors=True)
    files = write_static(workdir / "www", bodies)
    written = {}
    for layers in LAYER_SETS:
        mine = {t: b for t, b in bodies.items() if t.layers == layers}
        start = time.perf_counter()
        size = write_pmtiles(workdir / "www" / "pmtiles" / archive_name(layers), mine)
        written[layers] = (sum(1 for b in mine.values() if b), size, time.perf_counter() - start)
    print(
        f"\nwarm peers: the {len(tiles)} tiles' gzip bytes as the app sent them, {files} "
        f"files (empty tiles: none, nginx answers 204) and {len(written)} PMTiles archives, "
        f"served by nginx ({WORKERS} workers) under {workdir}"
    )
    problems: list[str] = []
    ways: list[Way] = []
    try:
        with ExitStack() as stack:
            nginx_url, nginx_pid = stack.enter_context(nginx_server(workdir, WORKERS))
            everything = {t: (t.path, None) for t in tiles}
            ways += [
                Way(STATIC, nginx_url, everything, {200, 204}, [nginx_pid]),
                pmtiles_way(nginx_url, nginx_pid, tiles),
            ]
            try:
                front_url, pids = stack.enter_context(front_server(app_url, workdir / "front"))
                ways.append(Way(FRONT, front_url, everything, {200, 204}, pids, HIT))
            except RuntimeError as error:
                print(f"  the front: not measured: {error}")
            ways.append(Way(DJANGO, app_url, everything, {200, 204}, [app_pid]))
            for way in ways:
                problems += check_way(way, bodies)
            if problems:
                return problems
            print(
                f"  checked: every tile from each way is the app's bytes ({len(tiles)} tiles; "
                f"{len(ways[1].requests)} in the PMTiles archives); through the front, the "
                f"second answer of each non-empty tile has {HIT[0]}: {HIT[1]}"
            )
            problems += side_by_side(
                ways, tiles, options.wrk_seconds, options.wrk_rounds, options.wrk_connections
            )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print("\nwarm aims")
    summarise_warm(ways)
    with connect() as conn:
        build_cost(conn, layer_id, results, written)
    return problems
