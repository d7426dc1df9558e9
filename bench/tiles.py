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
The same number of concurrent clients (``--clients``) everywhere. The answers are checked:
HTTP tiles equal the floor's, a z10 tile's cell counts add up to an independent SQL count
of the points in its bounds, a z16 tile holds exactly the points SQL finds in its buffered
bounds. A fast wrong answer is not a result.
"""

import argparse
import gzip
import http.client
import json
import math
import os
import random
import resource
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import _common
import mapbox_vector_tile
import psycopg
import requests
from _common import percentile, row, serve
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from layers.models import BoundaryGeneration, Layer
from layers.registry import get_layer
from tiles import cache
from tiles.mvt import BUFFER, EXTENT, tile_sql, tile_width
from tiles.pyramid import HALF, TOP_LEVEL

SLUG = "bench-feedback"
SOURCE = "bench/tiles.py: synthetic feedback points, made and removed by the benchmark"
SCHEMA = [
    {"name": "status", "type": "string", "title": "Status", "public": True},
    {"name": "category", "type": "string", "title": "Category", "public": True},
    {"name": "reported_at", "type": "datetime", "title": "Reported at", "public": True},
]
# (value, share): most feedback is dealt with; a tenth still waits to be accepted.
STATUSES = [
    ("received", 0.08),
    ("accepted", 0.10),
    ("in_progress", 0.17),
    ("resolved", 0.50),
    ("closed", 0.15),
]
CATEGORIES = [
    ("rac_thai", 0.20),  # waste and litter
    ("lan_chiem_via_he", 0.16),  # pavement encroachment
    ("ha_tang_giao_thong", 0.15),  # potholes, broken roads
    ("ngap_nuoc", 0.12),  # flooding
    ("tieng_on", 0.11),  # noise
    ("trat_tu_xay_dung", 0.09),  # building-order violations
    ("chieu_sang", 0.09),  # street lights
    ("cay_xanh", 0.08),  # trees
]
# Where feedback comes from: (lon, lat, sigma in km, share); sigma 0 = evenly over the city.
MIXTURE = [
    (106.69, 10.775, 2.5, 0.30),  # the old centre: Districts 1, 3, 5, 10
    (106.67, 10.79, 7.0, 0.25),  # the inner city around it
    (106.77, 10.85, 3.0, 0.09),  # Thủ Đức
    (106.65, 10.98, 3.0, 0.07),  # Thủ Dầu Một (Bình Dương)
    (107.08, 10.35, 2.5, 0.05),  # Vũng Tàu
    (107.17, 10.50, 3.0, 0.03),  # Bà Rịa
    (0.0, 0.0, 0.0, 0.21),  # everywhere else, sparse
]
EVEN_BOX = (106.34, 10.30, 107.60, 11.56)  # the mainland city (not Côn Đảo), for the spread
KM_PER_DEGREE = 111.32
SEED = 0.20251
REPORTED_FROM = "2025-07-01T00:00:00+07:00"  # the current generation's first day
REPORTED_DAYS = 500

ZOOMS = (8, 10, 12, 14, 16)
PLACES = {"centre": (106.70, 10.78), "outskirts": (106.45, 10.95)}  # Sài Gòn; Củ Chi
LAYER_SETS = (SLUG, f"areas,{SLUG}")
MAX_TILE_BYTES = 500 * 1024
COLD_AIM = 1.3  # HTTP cold at most this many times the floor's time
STEADY_SECONDS, MAX_ROUNDS = 0.5, 30  # cheap sets get more rounds, for steadier figures
WARM_AIM = 1000  # tiles per second from the cache
WORKERS, THREADS = 2, 2  # gunicorn on 2 cores, see the README
EARTH_RADIUS = 6378137.0
TABLE = {"width": 30, "cell": 11}  # the result tables' label and cell widths

TIPG_VERSION = "1.6.1"
UVICORN_VERSION = "0.54.0"
TIPG_VIEW = "bench_feedback_v"
TIPG_COLLECTION = f"public.{TIPG_VIEW}"
TIPG_DEFAULT_LIMIT = 10_000  # TiPg's own cap on features a tile (TIPG_MAX_FEATURES_PER_TILE)

CANDIDATES = """
CREATE TEMP TABLE IF NOT EXISTS bench_candidates (
    i bigint GENERATED ALWAYS AS IDENTITY, geom geometry(Point, 4326), status text,
    category text, reported_at timestamptz)
"""

# One round of candidate points drawn from the mixture with random() (seeded by setseed),
# kept when a ward piece of the generation covers them.
DRAW = """
INSERT INTO bench_candidates (geom, status, category, reported_at)
SELECT p.geom,
       (%(statuses)s::text[])[width_bucket(d.s, %(status_cuts)s::float8[]) + 1],
       (%(categories)s::text[])[width_bucket(d.k, %(category_cuts)s::float8[]) + 1],
       date_trunc('second', %(start)s::timestamptz + d.t * %(days)s * interval '1 day')
FROM (SELECT width_bucket(random(), %(mix_cuts)s::float8[]) + 1 AS m, random() AS u1,
             random() AS u2, random() AS s, random() AS k, random() AS t
      FROM generate_series(1, %(n)s)) AS d
CROSS JOIN LATERAL (
    SELECT CASE WHEN g.sigma = 0 THEN
               ST_SetSRID(ST_MakePoint(%(west)s + d.u1 * (%(east)s - %(west)s),
                                       %(south)s + d.u2 * (%(north)s - %(south)s)), 4326)
           ELSE
               ST_SetSRID(ST_MakePoint(
                   g.lon + g.sigma * sqrt(-2 * ln(1 - d.u1)) * cos(2 * pi() * d.u2)
                           / cos(radians(g.lat)),
                   g.lat + g.sigma * sqrt(-2 * ln(1 - d.u1)) * sin(2 * pi() * d.u2)), 4326)
           END AS geom
    FROM (SELECT (%(lons)s::float8[])[d.m] AS lon, (%(lats)s::float8[])[d.m] AS lat,
                 (%(sigmas)s::float8[])[d.m] AS sigma) AS g) AS p
WHERE EXISTS (
    SELECT 1 FROM layers_areasubdivision AS s
    JOIN layers_administrativearea AS a ON a.id = s.area_id
    WHERE s.generation_id = %(generation)s AND a.level = 'ward' AND ST_Covers(s.geom, p.geom))
"""

# The first n candidates, in the order they were reported (as a real table fills), in one
# statement: the tile triggers (cache, point-count pyramid) run once for all of them.
INSERT = """
INSERT INTO layers_feature (layer_id, geom, attributes, name, name_search, time, source_key)
SELECT %(layer)s, c.geom,
       jsonb_build_object('status', c.status, 'category', c.category, 'reported_at',
                          to_char(c.reported_at AT TIME ZONE 'Asia/Ho_Chi_Minh',
                                  'YYYY-MM-DD"T"HH24:MI:SS"+07:00"')),
       '', '', c.reported_at, 'bench-' || c.i
FROM (SELECT * FROM bench_candidates ORDER BY i LIMIT %(n)s) AS c
ORDER BY c.reported_at, c.i
"""

# TiPg serves tables and views: this one shows it the bench layer's points and properties.
# It exists only while TiPg runs (a view pins the columns of layers_feature it reads).
VIEW_SQL = f"""
CREATE OR REPLACE VIEW {TIPG_VIEW} AS
SELECT id, geom, attributes ->> 'status' AS status, attributes ->> 'category' AS category,
       attributes ->> 'reported_at' AS reported_at
FROM layers_feature WHERE layer_id = {{layer:d}}
"""

# The independent counts for the checks: plain comparisons of coordinates.
COUNT_IN_BOX = """
SELECT coalesce(attributes ->> 'status', ''), count(*) FROM layers_feature
WHERE layer_id = %(layer)s AND geom && ST_MakeEnvelope(%(w)s, %(s)s, %(e)s, %(n)s, 4326)
  AND ST_X(geom) >= %(w)s AND ST_X(geom) < %(e)s AND ST_Y(geom) > %(s)s AND ST_Y(geom) <= %(n)s
GROUP BY 1
"""
IDS_IN_BOX = """
SELECT id FROM layers_feature
WHERE layer_id = %(layer)s AND geom && ST_MakeEnvelope(%(w)s, %(s)s, %(e)s, %(n)s, 4326)
  AND ST_X(geom) >= %(w)s AND ST_X(geom) <= %(e)s AND ST_Y(geom) >= %(s)s AND ST_Y(geom) <= %(n)s
"""


# --- set-up -----------------------------------------------------------------------------


def current_generation() -> BoundaryGeneration:
    """The boundary generation valid today, as the areas layer picks it."""
    today = timezone.localdate()
    return (
        BoundaryGeneration.objects.filter(valid_from__lte=today).exclude(valid_to__lt=today).get()
    )


def connect() -> psycopg.Connection:
    """A new database session with the app's session settings (no JIT: see
    geoportal/settings.py) and its way of sending statements (values bound client-side, as
    Django does)."""
    return psycopg.connect(
        _common.database_url(),
        options="-c jit=off",
        autocommit=True,
        application_name="bench-tiles",
        cursor_factory=psycopg.ClientCursor,
    )


def cuts(shares: list[float]) -> list[float]:
    """The cumulative shares but the last: width_bucket's thresholds for a weighted pick."""
    total, out = 0.0, []
    for share in shares[:-1]:
        total += share
        out.append(round(total, 6))
    return out


def ensure_layer() -> Layer:
    """The bench layer, created or brought to the wanted description."""
    wanted = {
        "title": "Benchmark feedback (synthetic)",
        "description": "Synthetic citizen feedback for bench/tiles.py; not real reports.",
        "geometry_type": "Point",
        "attribute_schema": SCHEMA,
        "name_attribute": "",
        "time_attribute": "reported_at",
        "cluster_attributes": ["status", "category"],
        "is_public": True,
        "is_hidden": False,
        "source": SOURCE,
    }
    layer, _created = Layer.objects.get_or_create(slug=SLUG, defaults=wanted)
    changed = {k: v for k, v in wanted.items() if getattr(layer, k) != v}
    if changed:
        # Only the columns that differ: an UPDATE naming slug, geometry_type or
        # cluster_attributes makes the triggers recount the whole point-count pyramid.
        Layer.objects.filter(pk=layer.pk).update(**changed)
        layer.refresh_from_db()
    return layer


def make_points(conn: psycopg.Connection, layer: Layer, n: int, generation: int) -> None:
    """Replace the layer's points with ``n`` new ones (the same on every machine)."""
    conn.execute("SET max_parallel_workers_per_gather = 0")  # one random() sequence
    conn.execute(CANDIDATES)
    conn.execute("TRUNCATE bench_candidates RESTART IDENTITY")
    kept, attempt = 0, 0
    while kept < n:
        conn.execute("SELECT setseed(%s)", (SEED + attempt / 1000,))
        wanted = n - kept
        conn.execute(
            DRAW,
            {
                "n": int(wanted * 1.5) + 1000,
                "generation": generation,
                "statuses": [v for v, _ in STATUSES],
                "status_cuts": cuts([s for _, s in STATUSES]),
                "categories": [v for v, _ in CATEGORIES],
                "category_cuts": cuts([s for _, s in CATEGORIES]),
                "mix_cuts": cuts([m[3] for m in MIXTURE]),
                "lons": [m[0] for m in MIXTURE],
                "lats": [m[1] for m in MIXTURE],
                "sigmas": [m[2] / KM_PER_DEGREE for m in MIXTURE],
                "west": EVEN_BOX[0],
                "south": EVEN_BOX[1],
                "east": EVEN_BOX[2],
                "north": EVEN_BOX[3],
                "start": REPORTED_FROM,
                "days": REPORTED_DAYS,
            },
        )
        kept = conn.execute("SELECT count(*) FROM bench_candidates").fetchone()[0]
        attempt += 1
    with conn.transaction():
        conn.execute("DELETE FROM layers_feature WHERE layer_id = %s", (layer.id,))
        made = conn.execute(INSERT, {"layer": layer.id, "n": n}).rowcount
        if made != n:
            raise SystemExit(f"made {made} points, not {n}")
    conn.execute("DROP TABLE bench_candidates")
    conn.execute("RESET max_parallel_workers_per_gather")
    # Statistics for the planner and a visibility map for index-only scans.
    conn.execute("VACUUM ANALYZE layers_feature")
    conn.execute("VACUUM ANALYZE tiles_pointcell")


def point_count(conn: psycopg.Connection, layer: Layer) -> int:
    """How many points the layer holds."""
    return conn.execute(
        "SELECT count(*) FROM layers_feature WHERE layer_id = %s", (layer.id,)
    ).fetchone()[0]


def drop_bench_layer() -> None:
    """Remove what this benchmark made (and only that): the layer, its points, the now
    empty cells of its point-count pyramid, its cached tiles and TiPg's view."""
    layer = Layer.objects.filter(slug=SLUG, source=SOURCE).first()
    with connect() as conn:
        conn.execute(f"DROP VIEW IF EXISTS {TIPG_VIEW}")
        if layer is None:
            print("dropped: nothing")
            return
        with conn.transaction():
            gone = conn.execute(
                "DELETE FROM layers_feature WHERE layer_id = %s", (layer.id,)
            ).rowcount
            conn.execute("DELETE FROM layers_layer WHERE id = %s", (layer.id,))
        conn.execute("DELETE FROM tiles_pointcell WHERE layer = %s AND n = 0", (SLUG,))
        conn.execute("DELETE FROM tiles_cachedtile WHERE layers @> ARRAY[%s]::varchar[]", (SLUG,))
    print(f"dropped: {SLUG} ({gone:,} points)")


# --- tiles ------------------------------------------------------------------------------


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


# --- clients ----------------------------------------------------------------------------


@dataclass
class Run:
    """What one batch of requests gave: per-request seconds, wall time, the answers."""

    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    bodies: dict[Tile, bytes] = field(default_factory=dict)
    cpu_seconds: float = 0.0  # this process's CPU time meanwhile (the clients')

    def add(self, other: "Run") -> None:
        """Pool another run into this one."""
        self.latencies += other.latencies
        self.seconds += other.seconds
        self.bodies.update(other.bodies)
        self.cpu_seconds += other.cpu_seconds

    @property
    def rate(self) -> float:
        """Tiles per second."""
        return len(self.latencies) / self.seconds


class SqlClient:
    """The floor: a database session of its own that runs the tile statement of layers
    looked up beforehand (the lookup is not part of the floor)."""

    def __init__(self):
        self.conn = connect()
        self.specs = {key: [get_layer(s, None) for s in key.split(",")] for key in LAYER_SETS}

    def fetch(self, tile: Tile) -> bytes:
        """The raw MVT (empty bytes for an empty tile)."""
        sql, params = tile_sql(self.specs[tile.layers], tile.z, tile.x, tile.y)
        raw, _snapshot = self.conn.execute(sql, params).fetchone()
        return bytes(raw or b"")

    def close(self) -> None:
        """Close the session."""
        self.conn.close()


class HttpClient:
    """A keep-alive HTTP/1.1 connection asking for gzip, as a map client does; http.client
    rather than requests so the client takes less of the machine's two cores."""

    def __init__(self, base_url: str, path: Callable[[Tile], str]):
        host, port = base_url.removeprefix("http://").split(":")
        self.host, self.port, self.path = host, int(port), path
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=300)

    def fetch(self, tile: Tile) -> bytes:
        """The body as sent (gzip) for 200, empty for 204."""
        for attempt in (1, 2):
            try:
                self.conn.request("GET", self.path(tile), headers={"Accept-Encoding": "gzip"})
                answer = self.conn.getresponse()
                body = answer.read()
                break
            except (http.client.RemoteDisconnected, ConnectionError):
                # The server closed an idle keep-alive connection: open a new one.
                self.conn.close()
                if attempt == 2:
                    raise
        if answer.status not in (200, 204):
            raise SystemExit(f"GET {self.path(tile)}: {answer.status} {body[:300]!r}")
        if body and answer.getheader("Content-Encoding") != "gzip":
            body = gzip.compress(body, mtime=0)  # keep every answer in one form
        return body

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()


def run_clients(clients: list, work: list[Tile]) -> Run:
    """Every tile of ``work`` fetched once, the clients taking the next one as they are
    free; the answers by tile (the last one when a tile is asked more than once)."""
    pending = list(reversed(work))
    lock = threading.Lock()
    run = Run()
    errors: list[BaseException] = []
    start_line = threading.Barrier(len(clients) + 1)

    def client_loop(client) -> None:
        start_line.wait()
        while True:
            with lock:
                if not pending or errors:
                    return
                tile = pending.pop()
            try:
                start = time.perf_counter()
                body = client.fetch(tile)
                took = time.perf_counter() - start
            except BaseException as error:  # re-raised below, in the main thread
                errors.append(error)
                return
            with lock:
                run.latencies.append(took)
                run.bodies[tile] = body

    threads = [threading.Thread(target=client_loop, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    start_line.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    run.seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF)
    run.cpu_seconds = (after.ru_utime - cpu.ru_utime) + (after.ru_stime - cpu.ru_stime)
    if errors:
        raise errors[0]
    return run


# --- TiPg -------------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def install_tipg(venv: Path) -> str | None:
    """TiPg and uvicorn in a venv of their own, outside the project (made once); None when
    ready, else why not."""
    uvicorn = venv / "bin" / "uvicorn"
    if uvicorn.exists():
        return None
    print(f"installing TiPg {TIPG_VERSION} into {venv} (once) ...", flush=True)
    python = shutil.which("python3") or "python3"
    try:
        subprocess.run([python, "-m", "venv", str(venv)], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as error:
        return f"cannot make a venv at {venv}: {error}"
    done = subprocess.run(
        [
            str(venv / "bin" / "pip"),
            "install",
            "--quiet",
            "--disable-pip-version-check",
            f"tipg=={TIPG_VERSION}",
            f"uvicorn=={UVICORN_VERSION}",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 or not uvicorn.exists():
        shutil.rmtree(venv, ignore_errors=True)
        return "pip install tipg failed: " + (done.stderr.strip().splitlines() or ["?"])[-1]
    return None


@contextmanager
def tipg_server(venv: Path, layer: Layer, max_features: int) -> Iterator[tuple[list[str], str]]:
    """TiPg serving the bench points through a view made for the time it runs: as many
    single-worker uvicorns as gunicorn has workers (``uvicorn --workers 2`` answered every
    keep-alive request 45 ms late here, 48 ms where one worker took 3); yields their base
    URLs and TiPg's version."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        # The same session settings as the app and the floor (asyncpg passes unknown
        # URL parameters on as server settings).
        "DATABASE_URL": _common.database_url() + "?jit=off",
        "TIPG_DB_TABLES": json.dumps([TIPG_COLLECTION]),
        "TIPG_DB_SPATIAL_EXTENT": "false",  # no ST_Extent of 2M points at start-up
        "TIPG_DB_DATETIME_EXTENT": "false",
        "TIPG_MAX_FEATURES_PER_TILE": str(max_features),
        "TIPG_CATALOG_TTL": "0",
    }
    with connect() as conn:
        conn.execute(VIEW_SQL.format(layer=layer.id))
    workdir = Path(f"/tmp/bench-tiles-tipg-{os.getpid()}")  # TiPg reads a .env from its cwd
    workdir.mkdir(exist_ok=True)
    servers: list[tuple[str, subprocess.Popen]] = []
    try:
        for _ in range(WORKERS):
            port = free_port()
            command = [
                str(venv / "bin" / "uvicorn"),
                "tipg.main:app",
                *("--host", "127.0.0.1", "--port", str(port)),
                *("--no-access-log", "--log-level", "warning"),
            ]
            process = subprocess.Popen(command, cwd=workdir, env=env)
            servers.append((f"http://127.0.0.1:{port}", process))
        deadline = time.monotonic() + 60
        for url, process in servers:
            while True:
                try:
                    if requests.get(f"{url}/collections/{TIPG_COLLECTION}", timeout=5).ok:
                        break
                except requests.ConnectionError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"TiPg did not start (exit code {process.poll()})")
                time.sleep(0.3)
        version = subprocess.run(
            [str(venv / "bin" / "python"), "-c", "import tipg; print(tipg.__version__)"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        yield [url for url, _ in servers], version
    finally:
        for _url, process in servers:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(workdir, ignore_errors=True)
        with connect() as conn:
            conn.execute(f"DROP VIEW IF EXISTS {TIPG_VIEW}")


def tipg_path(tile: Tile) -> str:
    """A tile's URL path in TiPg."""
    return f"/collections/{TIPG_COLLECTION}/tiles/WebMercatorQuad/{tile.z}/{tile.x}/{tile.y}"


# --- measuring --------------------------------------------------------------------------


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
    """Where a cold tile's time goes, the steps of tiles.views.render_tile timed one by one
    in this process (one client, no HTTP): mean milliseconds a tile."""
    cache.clear(SLUG)
    specs = [get_layer(slug, None) for slug in tile_set.layers.split(",")]
    slugs = [s.slug for s in specs]
    steps = {"lookup": 0.0, "tile SQL": 0.0, "gzip": 0.0, "store": 0.0}
    for tile in tile_set.tiles:
        t0 = time.perf_counter()
        if cache.cached(tile.layers, tile.z, tile.x, tile.y) is not None:
            raise SystemExit(f"{tile.path}: cached after the cache was cleared")
        t1 = time.perf_counter()
        sql, params = tile_sql(specs, tile.z, tile.x, tile.y)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            raw, snapshot = cursor.fetchone()
        raw = bytes(raw or b"")
        t2 = time.perf_counter()
        data = gzip.compress(raw, compresslevel=6, mtime=0) if raw else b""
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


# --- checks -----------------------------------------------------------------------------


def decoded(body: bytes) -> dict:
    """A gzip MVT decoded by mapbox_vector_tile (an independent decoder), y down."""
    if not body:
        return {}
    return mapbox_vector_tile.decode(gzip.decompress(body), default_options={"y_coord_down": True})


def check_same(tile_set: TileSet, figures: Figures) -> list[str]:
    """HTTP tiles are the floor's (same MVT bytes, or the same features when the order of
    rows differs), warm answers the cold ones."""
    problems = []
    for tile in tile_set.tiles:
        raw = figures.floor.bodies[tile]
        cold = figures.cold.bodies[tile]
        if (gzip.decompress(cold) if cold else b"") != raw:
            ours = decoded(gzip.compress(raw, mtime=0) if raw else b"")
            if canonical(decoded(cold)) != canonical(ours):
                problems.append(f"{tile.path}: HTTP and raw SQL tiles differ")
        if figures.warm.bodies.get(tile) != cold:
            problems.append(f"{tile.path}: the warm answer differs from the cold one")
    return problems


def canonical(layers: dict) -> dict:
    """A decoded tile as comparable sets (feature order does not matter)."""
    return {
        name: sorted(
            json.dumps([f.get("id"), f["geometry"], f["properties"]], sort_keys=True)
            for f in layer["features"]
        )
        for name, layer in layers.items()
    }


def check_cells(conn: psycopg.Connection, layer: Layer, tile: Tile, body: bytes) -> list[str]:
    """A clustered tile: its cells' counts add up to an independent SQL count of the points
    inside the tile's bounds, in total and by status, and each cell's counts by status and
    by category add up to its total."""
    cells = decoded(body)[SLUG]["features"]
    west, south, east, north = tile_bounds(tile.z, tile.x, tile.y)
    by_status = dict(
        conn.execute(
            COUNT_IN_BOX, {"layer": layer.id, "w": west, "s": south, "e": east, "n": north}
        ).fetchall()
    )
    problems = []
    total = sum(c["properties"]["count"] for c in cells)
    if total != sum(by_status.values()):
        problems.append(f"{tile.path}: cells count {total}, SQL {sum(by_status.values())}")
    for status, expected in by_status.items():
        got = sum(c["properties"].get(f"count_status_{status}", 0) for c in cells)
        if got != expected:
            problems.append(f"{tile.path}: {got} cells' {status}, SQL {expected}")
    for cell in cells:
        props = cell["properties"]
        for attribute in ("status", "category"):
            part = sum(v for k, v in props.items() if k.startswith(f"count_{attribute}_"))
            if part != props["count"]:
                problems.append(f"{tile.path}: a cell's {attribute} counts add up to {part}")
                break
    if not problems:
        print(
            f"  {tile.path}: {len(cells):,} cells hold {total:,} points = SQL count in the "
            f"tile's bounds; by status too; each cell's status and category counts = its count"
        )
    return problems


def check_points(
    conn: psycopg.Connection, layer: Layer, tile: Tile, got: set[int], buffer: int
) -> str | None:
    """Whether a point tile holds exactly the points inside its bounds widened by
    ``buffer`` tile units (ST_AsMVTGeom keeps those), by feature id: all that SQL finds half
    a pixel inside those bounds, none beyond half a pixel outside them (a point that close
    to the edge is rounded to it); None when it does, else what is wrong."""

    def ids(margin: float) -> set[int]:
        west, south, east, north = tile_bounds(tile.z, tile.x, tile.y, margin)
        params = {"layer": layer.id, "w": west, "s": south, "e": east, "n": north}
        return {r[0] for r in conn.execute(IDS_IN_BOX, params).fetchall()}

    must, may = ids(buffer - 0.5), ids(buffer + 0.5)
    if must <= got <= may:
        return None
    return f"{len(must - got)} points missing, {len(got - may)} too many"


# --- printing ---------------------------------------------------------------------------


def kb(n: int) -> str:
    """Bytes as KB for the tables."""
    return f"{n / 1024:,.0f}" if n >= 10 * 1024 else f"{n / 1024:,.1f}"


def print_set(tile_set: TileSet, figures: Figures) -> None:
    """The rows of one tile set."""
    floor = figures.floor
    raw, gz = largest(figures.cold.bodies)
    ways = [
        ("raw SQL ST_AsMVT (floor)", floor, "", ""),
        ("HTTP cold", figures.cold, kb(raw), kb(gz)),
        ("HTTP warm (cache)", figures.warm, "", ""),
    ]
    if figures.tipg is not None:
        ways.append(("TiPg (no cache)", figures.tipg, *map(kb, figures.tipg_largest)))
    print(f"  {tile_set.label}")
    for label, run, big, big_gz in ways:
        row(
            "  " + label,
            f"{run.rate:,.0f}" if run.rate >= 100 else f"{run.rate:,.1f}",
            f"{percentile(run.latencies, 0.5) * 1000:.1f}",
            f"{percentile(run.latencies, 0.95) * 1000:.1f}",
            f"{floor.rate / run.rate:.2f}x",
            big,
            big_gz,
            **TABLE,
        )


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
    parser.add_argument("--drop", action="store_true", help="remove the benchmark's layer")
    args = parser.parse_args()
    if args.points < 1000 or args.clients < 1 or args.rounds < 1 or args.warm_rounds < 1:
        parser.error("--points must be at least 1000, the others at least 1")
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
        url = stack.enter_context(serve(workers=WORKERS))
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

    print_breakdown(results)
    summarise(results)
    print(f"\nthe whole run took {time.perf_counter() - run_start:.0f} s")
    if problems:
        print("correctness: the tiles differ")
        for problem in problems:
            print(f"  {problem}")
        raise SystemExit(1)


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


def start_tipg(stack: ExitStack, venv: Path, layer: Layer, points: int) -> list[str]:
    """TiPg's URLs, its servers on ``stack``; none (and why, printed) when it cannot run."""
    why = install_tipg(venv)
    if why is None:
        try:
            # Its cap on features a tile at the layer's size, so that no tile is cut.
            urls, version = stack.enter_context(tipg_server(venv, layer, points))
        except RuntimeError as error:
            why = str(error)
    if why is not None:
        print(f"TiPg: not measured: {why}")
        return []
    with connect() as conn:
        cut = conn.execute(
            "SELECT count(*) FROM (SELECT 1 FROM tiles_pointcell WHERE layer = %s "
            "AND grp = '' AND z = ANY(%s) GROUP BY z, cx / 64, cy / 64 HAVING sum(n) > %s) AS t",
            (SLUG, [z for z in ZOOMS if z <= TOP_LEVEL], TIPG_DEFAULT_LIMIT),
        ).fetchone()[0]
    print(
        f"TiPg {version}: {len(urls)} uvicorns of one worker, over the view {TIPG_VIEW}; "
        f"TIPG_MAX_FEATURES_PER_TILE={points:,} so that no tile is cut (at its default of "
        f"{TIPG_DEFAULT_LIMIT:,}, {cut} tiles of the layer at z{ZOOMS[0]}–z{TOP_LEVEL} would be)"
    )
    return urls


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


def print_breakdown(results: list[tuple[TileSet, Figures]]) -> None:
    """Where cold tiles lose time, and what a warm one costs in queries."""
    print("\nwhere a cold tile's time goes: render_tile's steps timed one by one, one client")
    row("", "lookup", "tile SQL", "gzip", "store", "total", "HTTP p50", **TABLE)
    for tile_set, figures in results:
        if tile_set.layers == SLUG and tile_set.place == "centre":
            steps = cold_breakdown(tile_set)
            row(
                f"{tile_set.label} ms",
                *(f"{v:.2f}" for v in steps.values()),
                f"{sum(steps.values()):.2f}",
                f"{percentile(figures.cold.latencies, 0.5) * 1000:.2f}",
                **TABLE,
            )
    queries = warm_queries(tile_sets(SLUG)[-1].tiles[4])
    print(f"a warm request: {len(queries)} queries through Django, after the health check:")
    for sql in queries:
        print(f"  {sql}")


def check_point_tile(conn: psycopg.Connection, layer: Layer, tile: Tile, body: bytes) -> list[str]:
    """Our z16 tile: the points in its buffered bounds, and points only (no cells)."""
    points = decoded(body)[SLUG]["features"]
    wrong = check_points(conn, layer, tile, {p["id"] for p in points}, BUFFER)
    if any("count" in p["properties"] for p in points):
        wrong = "cells in a zoom-16 tile"
    if wrong:
        return [f"{tile.path}: {wrong}"]
    print(
        f"  {tile.path}: {len(points):,} points, the ids SQL finds in its bounds widened by "
        f"the {BUFFER}/{EXTENT} buffer"
    )
    return []


def check_tiles(layer: Layer, results: list[tuple[TileSet, Figures]]) -> list[str]:
    """The z10 centre tile's cells and the z16 centre tile's points against SQL counts;
    the multi-layer tiles hold both layers."""
    problems = []
    with connect() as conn:
        for tile_set, figures in results:
            centre = next(t for t in tile_set.tiles if (t.x, t.y) == tile_set.centre)
            body = figures.cold.bodies[centre]
            if tile_set.layers == SLUG and tile_set.place == "centre" and tile_set.z == 10:
                problems += check_cells(conn, layer, centre, body)
            elif tile_set.layers == SLUG and tile_set.place == "centre" and tile_set.z == 16:
                problems += check_point_tile(conn, layer, centre, body)
            elif tile_set.layers != SLUG and set(decoded(body)) != {"areas", SLUG}:
                problems.append(f"{centre.path}: layers {sorted(decoded(body))}")
    checked = sum(len(s.tiles) for s, _ in results)
    print(
        f"  all {checked} HTTP tiles equal the raw SQL's, cold and warm; the multi-layer "
        "centre tiles hold both layers"
    )
    return problems


def check_tipg(conn: psycopg.Connection, layer: Layer, client: HttpClient, tile: Tile) -> list[str]:
    """TiPg's tile holds the points inside the tile (it selects by the tile's bounds, so
    none from its buffer), by the id it sends as a property."""
    layers = decoded(client.fetch(tile))
    got = {f["properties"]["id"] for layer in layers.values() for f in layer["features"]}
    wrong = check_points(conn, layer, tile, got, 0)
    if wrong:
        return [f"TiPg {tipg_path(tile)}: {wrong}"]
    print(
        f"  TiPg's {tile.z}/{tile.x}/{tile.y}: {len(got):,} points, the ids SQL finds in the tile"
    )
    return []


def summarise(results: list[tuple[TileSet, Figures]]) -> None:
    """The aims, met or not."""
    print("\naims")
    cold = [(f.floor.rate / f.cold.rate, s, f) for s, f in results]
    worst, worst_set, _ = max(cold, key=lambda c: c[0])
    over = [
        f"{s.layers} z{s.z} {s.place} {r:.2f}x "
        f"(+{(percentile(f.cold.latencies, 0.5) - percentile(f.floor.latencies, 0.5)) * 1000:.1f}"
        " ms p50)"
        for r, s, f in cold
        if r > COLD_AIM
    ]
    print(
        f"  HTTP cold within {COLD_AIM}x of the floor: worst {worst:.2f}x ({worst_set.layers} "
        f"{worst_set.label}); {len(cold) - len(over)} of {len(cold)} sets within"
        + (f"; over: {', '.join(over)}" if over else "")
    )
    kept = sum(f.kept for _, f in results)
    computed = sum(len(f.cold.latencies) for _, f in results)
    print(
        f"  the cold rounds kept {kept} of the {computed} tiles they computed in the cache "
        f"({computed - kept} lost, then stored by a one-client pass before the warm rounds)"
    )
    warm = sorted(f.warm.rate for _, f in results)
    cpu = sum(f.warm.cpu_seconds for _, f in results) / sum(f.warm.seconds for _, f in results)
    print(
        f"  HTTP warm: {warm[0]:,.0f} to {warm[-1]:,.0f} tiles/s (median "
        f"{warm[len(warm) // 2]:,.0f}), {sum(r >= WARM_AIM for r in warm)} of {len(warm)} sets "
        f"at {WARM_AIM:,}/s or more; the clients took {cpu:.0%} of a core"
    )
    biggest = max(((largest(f.cold.bodies), s) for s, f in results), key=lambda b: b[0][0])
    (raw, gz), where = biggest
    verdict = "none over" if raw <= MAX_TILE_BYTES else "OVER"
    print(
        f"  largest tile {kb(raw)} KB ({kb(gz)} KB gzip), {where.layers} {where.label}: "
        f"{verdict} {MAX_TILE_BYTES // 1024} KB"
    )
    tipg = [(s, f) for s, f in results if f.tipg is not None]
    if tipg:
        faster = sorted(f.cold.rate / f.tipg.rate for _, f in tipg)
        (traw, tgz), twhere = max(((f.tipg_largest, s) for s, f in tipg), key=lambda b: b[0][0])
        print(
            f"  vs TiPg (same tiles, same clients): our cold tiles/s {faster[0]:,.1f}x to "
            f"{faster[-1]:,.0f}x TiPg's (median {faster[len(faster) // 2]:,.1f}x); its largest "
            f"tile {kb(traw)} KB ({kb(tgz)} KB gzip), {twhere.label}"
        )


if __name__ == "__main__":
    main()
