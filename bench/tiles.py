"""Benchmark: vector tiles of a city's two million feedback points, through HTTP cold and
warm, next to the raw ST_AsMVT SQL floor and a standalone PostGIS tile server (TiPg).

Run with ``.venv/bin/python bench/tiles.py`` after ``make run`` has loaded the demo data.
The set-up makes, once, the public imported layer ``bench-feedback``: 2,000,000 points
(``--points``) spread like a real city's feedback (a mixture of Gaussians around the old
centre, Thủ Đức, Thủ Dầu Một, Vũng Tàu and Bà Rịa, and a sparse even spread), all inside the
current wards (tested against their ``ST_Subdivide`` pieces), with status, category and
reported_at attributes and cluster_attributes ["status", "category"]; the points go in with
one INSERT ... SELECT, so the tile triggers run once. Later runs reuse it; ``--drop``
removes it.

For z8, z10, z12, z14 and z16, a 3 × 3 set of tiles around the centre (106.70, 10.78) and
one around Củ Chi (106.45, 10.95), of ``bench-feedback`` and of ``areas,bench-feedback``:
  raw SQL    tiles.mvt.tile_sql run directly over psycopg with the app's session settings,
             one connection per client (the floor: no cache, no gzip, no Django, no HTTP);
  HTTP cold  GET /tiles/{layers}/{z}/{x}/{y}.mvt from a real gunicorn, the tile cache of the
             layer cleared first, each tile asked once;
  HTTP warm  the same tiles again and again: every answer a cache hit;
  TiPg       the same tiles of the same points from TiPg (uvicorn, in a throw-away venv
             outside the project) over a view of the layer: raw points at every zoom, no cache.
The same number of concurrent clients (``--clients``) everywhere. Then the warm peers, all
loaded by one wrk (``--wrk-*``): the same tile bytes as static files from nginx (the
baseline), as a PMTiles archive read with range requests from nginx, through the app's front
cache (Varnish, scripts/front.sh), and from gunicorn alone. The answers are checked:
HTTP tiles equal the floor's, a z10 tile's cell counts add up to an independent SQL count
of the points in its bounds, a z16 tile holds exactly the points SQL finds in its buffered
bounds. A fast wrong answer is not a result.

The benchmark's pieces are in ``bench/_tiles/``, one module a job.
"""

import argparse
import os
import time
from contextlib import ExitStack
from pathlib import Path

from _common import gunicorn, row
from _tiles.checks import check_same, check_tiles, check_tipg
from _tiles.clients import HttpClient, SqlClient, run_clients
from _tiles.grid import LAYER_SETS, TileSet, tile_sets
from _tiles.layer import (
    SLUG,
    connect,
    current_generation,
    drop_bench_layer,
    ensure_layer,
    make_points,
    point_count,
)
from _tiles.measure import MAX_ROUNDS, STEADY_SECONDS, THREADS, WORKERS, Figures, measure_set
from _tiles.report import TABLE, print_breakdown, print_set, summarise
from _tiles.tipg import start_tipg, tipg_path
from _tiles.warm import measure_peers


class Clients:
    """The concurrent clients of each way, kept (with their connections) for the run."""

    def __init__(self, n: int, url: str, tipg_urls: list[str]):
        self.sql = [SqlClient() for _ in range(n)]
        self.http = [HttpClient(url, lambda t: t.path) for _ in range(n)]
        # TiPg's clients spread over its servers as gunicorn's workers share theirs.
        spread = [tipg_urls[i % len(tipg_urls)] for i in range(n)] if tipg_urls else []
        self.tipg = [HttpClient(tipg_url, tipg_path) for tipg_url in spread]
        # Open every connection and warm the workers (imports, database sessions).
        first = tile_sets(SLUG)[0].tiles[:1]
        for client in self.sql + self.http + self.tipg:
            run_clients([client], first)

    def close(self) -> None:
        """Close every connection."""
        for client in self.sql + self.http + self.tipg:
            client.close()


def measure_all(
    clients: Clients, rounds: int, warm_rounds: int
) -> tuple[list[tuple[TileSet, Figures]], list[str]]:
    """Every tile set of every set of layers, printed as it is measured."""
    results, problems = [], []
    for layers in LAYER_SETS:
        print(f"\n{layers}: vs floor = the floor's tiles/s ÷ this way's")
        row("", "tiles/s", "p50 ms", "p95 ms", "vs floor", "max KB", "gzip KB", **TABLE)
        for tile_set in tile_sets(layers):
            tipg = clients.tipg if layers == SLUG and clients.tipg else None
            figures = measure_set(tile_set, clients.sql, clients.http, tipg, rounds, warm_rounds)
            print_set(tile_set, figures)
            problems += check_same(tile_set, figures)
            results.append((tile_set, figures))
    return results, problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=2_000_000, help="default 2000000")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients (4)")
    parser.add_argument("--rounds", type=int, default=3, help="floor and cold rounds (3)")
    parser.add_argument("--warm-rounds", type=int, default=50, help="warm rounds (50)")
    parser.add_argument("--no-tipg", action="store_true", help="leave TiPg out")
    parser.add_argument(
        "--tipg-venv",
        type=Path,
        default=Path("/tmp/tipg-venv"),
        help="TiPg's own venv, made when missing (default /tmp/tipg-venv)",
    )
    parser.add_argument(
        "--no-peers", action="store_true", help="leave out the warm peers (nginx, front, wrk)"
    )
    parser.add_argument("--wrk-seconds", type=int, default=2, help="wrk run of a way, s (2)")
    parser.add_argument("--wrk-rounds", type=int, default=2, help="best of wrk runs (2)")
    parser.add_argument(
        "--wrk-connections", type=int, default=64, help="wrk's keep-alive connections (64)"
    )
    parser.add_argument("--drop", action="store_true", help="remove the benchmark's layer")
    args = parser.parse_args()
    if args.points < 1000 or min(args.clients, args.rounds, args.warm_rounds) < 1:
        parser.error("--points must be at least 1000, the others at least 1")
    if args.wrk_seconds < 1 or args.wrk_rounds < 1 or args.wrk_connections < 1:
        parser.error("the --wrk- options must be at least 1")
    if args.drop:
        drop_bench_layer()
        return

    run_start = time.perf_counter()
    generation = current_generation()
    layer = ensure_layer()
    with connect() as conn:
        if point_count(conn, layer) == args.points:
            setup = "reused"
        else:
            start = time.perf_counter()
            make_points(conn, layer, args.points, generation.id)
            setup = f"made in {time.perf_counter() - start:.1f} s"
    print(
        f"Vector tile benchmark: layer {SLUG}, {args.points:,} points ({setup}), "
        f"wards of generation {generation.slug}"
    )
    print(
        f"gunicorn: {WORKERS} workers × {THREADS} threads (gthread, keep-alive); "
        f"{args.clients} concurrent clients, each a keep-alive connection (HTTP) or a "
        "database session (SQL)"
    )
    print(
        f"each set: 9 tiles (3 × 3); floor and HTTP cold in turns, {args.rounds} rounds or up "
        f"to {MAX_ROUNDS} until the floor has run {STEADY_SECONDS} s, the tile cache of {SLUG} "
        f"cleared before each cold round; HTTP warm: {args.warm_rounds} rounds, shuffled, every "
        "answer a cache hit"
    )
    os.environ["GUNICORN_CMD_ARGS"] = (
        os.environ.get("GUNICORN_CMD_ARGS", "") + f" --threads {THREADS}"
    ).strip()
    with ExitStack() as stack:
        # No tile over its time budget (a 503): a loaded machine must slow the figures down,
        # not cut them short.
        url, master = stack.enter_context(
            gunicorn(WORKERS, env={"COMMONMAP_TILE_TIMEOUT_MS": "600000"})
        )
        if args.no_tipg:
            print("TiPg: left out (--no-tipg)")
            tipg_urls = []
        else:
            tipg_urls = start_tipg(stack, args.tipg_venv, layer, args.points)
        clients = Clients(args.clients, url, tipg_urls)
        stack.callback(clients.close)
        results, problems = measure_all(clients, args.rounds, args.warm_rounds)
        print("\ncorrectness")
        problems += check_tiles(layer, results)
        if clients.tipg:
            with connect() as conn:
                z16 = next(s for s, _ in results if s.z == 16 and s.place == "centre")
                tile = next(t for t in z16.tiles if (t.x, t.y) == z16.centre)
                problems += check_tipg(conn, layer, clients.tipg[0], tile)
        if args.no_peers:
            print("\nwarm peers: left out (--no-peers)")
        else:
            problems += measure_peers(url, master.pid, layer.id, results, args)

    print_breakdown(results)
    summarise(results)
    print(f"\nthe whole run took {time.perf_counter() - run_start:.0f} s")
    if problems:
        print("correctness: the tiles differ")
        for problem in problems:
            print(f"  {problem}")
        raise SystemExit(1)


if __name__ == "__main__":
    main()
