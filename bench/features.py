"""Benchmark: a whole layer as GeoJSON through the export API, next to the raw SQL floor
and a plain djangorestframework-gis serializer.

Run with ``.venv/bin/python bench/features.py`` after ``make run`` has loaded the demo data.
The set-up makes, once, the imported layer ``bench-points``: 200,000 points (``--points``)
drawn with a fixed seed (``ST_GeneratePoints``) inside the current wards, 40 % of them within
about 9 km of Bến Thành, in one INSERT ... SELECT; and two layers of a quarter and half as
many for the memory check. Later runs reuse them; ``--drop`` removes them.

Printed, all measured in this run, for the 168 current wards and for the points:
  raw SQL      json_agg(ST_AsGeoJSON(t.*)) over psycopg, the whole document fetched to the
               client (the floor: no HTTP, no Django, nothing streamed);
  export SQL   the API's own query (layers.features.feature_sql) read through a server-side
               cursor over psycopg: what PostgreSQL costs the API before Python and HTTP;
  API          GET /api/v1/layers/{slug}/export/ from a real gunicorn (one worker), the
               stream read to its end, gzipped (as browsers, GDAL and requests ask) and not;
  serializer   a plain GeoFeatureModelSerializer over the same rows, rendered with DRF's
               JSONRenderer in a child process (what a ListAPIView would do, less HTTP).
Peak memory is how far a process's private memory rose above its resting size during one
export (VmHWM, reset through /proc/PID/clear_refs before it): the gunicorn worker or the
serializer's process ("app"), and the PostgreSQL backend serving it ("postgres"); then the
same for growing layers. The API's answer is checked against the raw SQL's: a fast wrong
answer is not a result.
"""

import argparse
import gc
import json
import os
import subprocess
import sys
import time
import zlib
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from urllib.parse import urlencode

import _common
import psycopg
import requests
from _common import (
    ROOT,
    child_pids,
    gunicorn,
    memory_kib,
    private_peak_kib,
    reset_peak_memory,
    row,
)
from django.db import connection
from django.utils import timezone
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from layers import features
from layers.feature_params import parse_query
from layers.models import AdministrativeArea, BoundaryGeneration, Feature, Layer
from layers.registry import get_layer

SLUG = "bench-points"
SOURCE = "bench/features.py: synthetic points, made and removed by the benchmark"
SCHEMA = [
    {"name": "name", "type": "string", "title": "Name", "public": True},
    {"name": "category", "type": "string", "title": "Category", "public": True},
    {"name": "value", "type": "number", "title": "Value", "public": True},
    {"name": "rank", "type": "integer", "title": "Rank", "public": True},
]
CATEGORIES = ["cho", "truong_hoc", "tram_y_te", "cong_vien", "ben_xe", "nha_van_hoa"]
SEED = 20251
CENTRE = (106.6981, 10.7725)  # Bến Thành market
CENTRE_RADIUS_DEG = 0.08  # about 9 km
CENTRE_SHARE = 0.4
WARDS_QUERY = {"level": "ward"}
WARD_RUNS = 10  # times --repeats
EMPTY_BBOX = "0,0,0.001,0.001"  # no area of the city there
APP_NAME = "commonmap-bench-export"  # how the server's database session is found

# ST_GeneratePoints may return a few points fewer than asked (PostGIS 3.3 gave 199,998 of
# 200,000), so a little more is drawn and the first n are kept, in a fixed order.
MAKE_POINTS = """
WITH city AS (
    SELECT ST_Union(geom) AS geom FROM layers_administrativearea
    WHERE generation_id = %(generation)s AND level = 'ward'
), drawn AS (
    SELECT 1 AS part, d.path, d.geom
    FROM city, ST_Dump(ST_GeneratePoints(city.geom, %(spread)s, %(seed)s)) AS d
    UNION ALL
    SELECT 2, d.path, d.geom
    FROM city, ST_Dump(ST_GeneratePoints(
        ST_Intersection(city.geom, ST_Buffer(ST_SetSRID(ST_MakePoint(%(cx)s, %(cy)s), 4326),
                                             %(radius)s)),
        %(dense)s, %(seed)s + 1)) AS d
), numbered AS (
    SELECT row_number() OVER (ORDER BY part, path) AS i, geom FROM drawn
)
INSERT INTO layers_feature (layer_id, geom, attributes, name, name_search, source_key)
SELECT %(layer)s, geom,
       jsonb_build_object(
           'name', 'Điểm ' || lpad(i::text, 6, '0'),
           'category', (%(categories)s::text[])[1 + i %% cardinality(%(categories)s::text[])],
           'value', round(((i * 7919) %% 100003) / 100.0, 2),
           'rank', 1 + i %% 1000),
       'Điểm ' || lpad(i::text, 6, '0'),
       'diem ' || lpad(i::text, 6, '0'),
       'bench-' || i
FROM numbered WHERE i <= %(n)s
"""

# The floor: one statement, the whole FeatureCollection built by PostgreSQL. (PostGIS 3.3's
# ST_AsGeoJSON(record) has no id column: the id is one of the properties.)
RAW_POINTS = """
SELECT json_build_object('type', 'FeatureCollection',
                         'features', json_agg(ST_AsGeoJSON(t.*, 'geom', 7)::json))::text
FROM (SELECT id, geom, attributes -> 'name' AS name, attributes -> 'category' AS category,
             attributes -> 'value' AS value, attributes -> 'rank' AS rank
      FROM layers_feature WHERE layer_id = %(layer)s ORDER BY id) AS t
"""

RAW_WARDS = """
SELECT json_build_object('type', 'FeatureCollection',
                         'features', json_agg(ST_AsGeoJSON(t.*, 'geom', 7)::json))::text
FROM (SELECT a.geom, a.code, a.name, a.level, a.area_type AS type, p.code AS parent_code,
             g.slug AS generation, a.official_area_km2, a.geometry_is_synthetic
      FROM layers_administrativearea AS a
      JOIN layers_boundarygeneration AS g ON g.id = a.generation_id
      LEFT JOIN layers_administrativearea AS p ON p.id = a.parent_id
      WHERE g.valid_from <= %(today)s AND (g.valid_to IS NULL OR g.valid_to >= %(today)s)
        AND a.level = 'ward'
      ORDER BY a.code) AS t
"""


class PointSerializer(GeoFeatureModelSerializer):
    """The plain way: a feature of an imported layer, its attributes read one by one."""

    name = serializers.CharField(source="attributes.name")
    category = serializers.CharField(source="attributes.category")
    value = serializers.FloatField(source="attributes.value")
    rank = serializers.IntegerField(source="attributes.rank")

    class Meta:
        model = Feature
        geo_field = "geom"
        fields = ["id", "name", "category", "value", "rank"]


class WardSerializer(GeoFeatureModelSerializer):
    """The plain way: a ward with the properties the areas layer exports."""

    type = serializers.CharField(source="area_type")
    parent_code = serializers.CharField(source="parent.code", default=None)
    generation = serializers.CharField(source="generation.slug")

    class Meta:
        model = AdministrativeArea
        geo_field = "geom"
        id_field = "code"
        fields = [
            "code",
            "name",
            "level",
            "type",
            "parent_code",
            "generation",
            "official_area_km2",
            "geometry_is_synthetic",
        ]


def current_generation() -> BoundaryGeneration:
    """The boundary generation valid today, as the areas layer picks it."""
    today = timezone.localdate()
    return (
        BoundaryGeneration.objects.filter(valid_from__lte=today).exclude(valid_to__lt=today).get()
    )


def slug_for(n: int, points: int) -> str:
    """``bench-points`` for the main layer, ``bench-points-50k`` style for the others."""
    if n == points:
        return SLUG
    return f"{SLUG}-{n // 1000}k" if n % 1000 == 0 else f"{SLUG}-{n}"


def ensure_points(conn: psycopg.Connection, slug: str, n: int, generation: int) -> bool:
    """The layer ``slug`` with ``n`` bench points; True when it had to be (re)made."""
    wanted = {
        "title": f"Benchmark points ({n:,})",
        "description": "Synthetic points for bench/features.py; not real places.",
        "geometry_type": "Point",
        "attribute_schema": SCHEMA,
        "name_attribute": "name",
        "time_attribute": "",
        "is_public": True,
        "is_hidden": False,
        "source": SOURCE,
    }
    layer, _created = Layer.objects.get_or_create(slug=slug, defaults=wanted)
    changed = {k: v for k, v in wanted.items() if getattr(layer, k) != v}
    if changed:
        # Only the columns that differ: an UPDATE naming slug or geometry_type makes the
        # tiles' triggers relabel the point-count cells of every layer.
        Layer.objects.filter(pk=layer.pk).update(**changed)
    have = conn.execute(
        "SELECT count(*) FROM layers_feature WHERE layer_id = %s", (layer.id,)
    ).fetchone()[0]
    if have == n:
        return False
    surplus = n // 100 + 10
    dense = round(n * CENTRE_SHARE)
    with conn.transaction():
        conn.execute("DELETE FROM layers_feature WHERE layer_id = %s", (layer.id,))
        made = conn.execute(
            MAKE_POINTS,
            {
                "layer": layer.id,
                "generation": generation,
                "spread": n - dense + surplus,
                "dense": dense + surplus,
                "seed": SEED,
                "cx": CENTRE[0],
                "cy": CENTRE[1],
                "radius": CENTRE_RADIUS_DEG,
                "categories": CATEGORIES,
                "n": n,
            },
        ).rowcount
        if made != n:
            raise SystemExit(f"made {made} points for {slug}, not {n}")
    return True


def drop_bench_layers() -> None:
    """Remove the layers this benchmark made (and only those)."""
    layers = Layer.objects.filter(slug__startswith=SLUG, source=SOURCE)
    found = dict(layers.values_list("id", "slug"))
    with connect() as conn:
        conn.execute("DELETE FROM layers_feature WHERE layer_id = ANY(%s)", (list(found),))
    layers.delete()
    print("dropped: " + (", ".join(sorted(found.values())) or "nothing"))


class Watched:
    """A process whose peak private memory is measured against its resting size, taken
    once, before the first export: memory kept from an earlier export counts against the
    next one, so the exports run from the smallest to the largest."""

    def __init__(self, pid: int | None):
        self.pid = pid
        self.resting = memory_kib(pid, "RssAnon") if pid else None

    def reset(self) -> None:
        """Start a new peak."""
        if self.pid:
            reset_peak_memory(self.pid)

    def peak_mb(self) -> float | None:
        """MiB above the resting size at the peak since ``reset``; None if unreadable."""
        peak = private_peak_kib(self.pid) if self.pid else None
        if peak is None or self.resting is None:
            return None
        return max(0, peak - self.resting) / 1024


class Way:
    """One way of exporting, run again and again (in turns with the other ways, so that all
    meet the same load on a shared machine): its best time, the highest peak of each
    watched process, and its last answer."""

    def __init__(self, work: Callable[[], object], watched: list[Watched]):
        self.work, self.watched = work, watched
        self.times: list[float] = []
        self.peaks: list[float | None] = [None] * len(watched)
        self.answer: object = None

    def run(self) -> None:
        """Run once."""
        self.answer = None
        # The cycles a DRF serializer leaves (fields point back at it) wait for a full
        # collection: without one, the serializer's peak would rise from run to run.
        gc.collect()
        for process in self.watched:
            process.reset()
        start = time.perf_counter()
        self.answer = self.work()
        self.times.append(time.perf_counter() - start)
        for i, process in enumerate(self.watched):
            peak = process.peak_mb()
            if peak is not None:
                self.peaks[i] = max(self.peaks[i] or 0.0, peak)

    @property
    def seconds(self) -> float:
        """The best time: the least disturbed run."""
        return min(self.times)


def measure(
    repeats: int, work: Callable[[], object], watched: list[Watched]
) -> tuple[float, object, list[float | None]]:
    """The fastest of ``repeats`` runs in seconds, the last answer, and the highest peak of
    each watched process over the runs."""
    way = Way(work, watched)
    for _ in range(repeats):
        way.run()
    return way.seconds, way.answer, way.peaks


def connect() -> psycopg.Connection:
    """A new database session, with the app's session settings (no JIT: see
    geoportal/settings.py)."""
    return psycopg.connect(
        _common.database_url(), options="-c jit=off", autocommit=True, application_name="bench"
    )


def raw_sql(conn: psycopg.Connection, sql: str, params: dict) -> str:
    """The whole FeatureCollection built in one statement, fetched."""
    return conn.execute(sql, params).fetchone()[0]


def export_sql(conn: psycopg.Connection, sql: str, params: dict) -> str:
    """The API's query read as the API reads it (server-side cursor, batches), joined."""
    parts = []
    with conn.transaction(), conn.cursor(name="bench_export") as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(features.BATCH_ROWS):
            parts.append(",".join(r[0] for r in rows))
    return '{"type":"FeatureCollection","features":[' + ",".join(parts) + "]}"


def api_export(http: requests.Session, url: str, encoding: str = "gzip") -> tuple[bytes, int]:
    """The export read to its last byte as it arrives, inflated when it comes gzipped (as
    requests' iter_content would, but counting the bytes on the wire); and that count."""
    with http.get(url, stream=True, timeout=300, headers={"Accept-Encoding": encoding}) as answer:
        answer.raise_for_status()
        inflate = zlib.decompressobj(zlib.MAX_WBITS | 16)
        gzipped = answer.headers.get("Content-Encoding") == "gzip"
        chunks, wire = [], 0
        for data in answer.raw.stream(1 << 16, decode_content=False):
            wire += len(data)
            chunks.append(inflate.decompress(data) if gzipped else data)
        chunks.append(inflate.flush())
    return b"".join(chunks), wire


def serialize_in_child(slug: str, repeats: int) -> dict:
    """Run the plain serializer over a layer in a fresh process (see ``serializer_child``)."""
    done = subprocess.run(
        [sys.executable, __file__, "--serializer-child", slug, "--repeats", str(repeats)],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": _common.database_url(), "DJANGO_DEBUG": "0"},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"serializer run failed:\n{done.stderr}")
    return json.loads(done.stdout.splitlines()[-1])


def serializer_child(slug: str, repeats: int) -> None:
    """(In the child process.) Serialize and render the layer ``repeats`` times; print the
    best time, the peaks of this process and of its PostgreSQL backend, and the count."""
    if slug == "areas":
        serializer = WardSerializer
        queryset = (
            AdministrativeArea.objects.filter(generation=current_generation(), level="ward")
            .select_related("parent", "generation")
            .order_by("code")
        )
    else:
        serializer = PointSerializer
        queryset = Feature.objects.filter(layer__slug=slug).order_by("id")
    render = JSONRenderer().render
    render(serializer(queryset[:10], many=True).data)  # warm: imports, caches, connection
    watched = [Watched(os.getpid()), Watched(connection.connection.info.backend_pid)]
    seconds, body, (app, pg) = measure(
        repeats, lambda: render(serializer(queryset.all(), many=True).data), watched
    )
    answer = {"seconds": seconds, "app_mb": app, "postgres_mb": pg}
    print(json.dumps({**answer, "features": len(json.loads(body)["features"])}))


def feature_ids(document: dict, id_property: str | None) -> list:
    """The ids of a FeatureCollection's features (from a property for the raw SQL's)."""
    if id_property is None:
        return [f["id"] for f in document["features"]]
    return [f["properties"][id_property] for f in document["features"]]


def coordinates(geometry: dict) -> list[float]:
    """Every coordinate of a GeoJSON geometry, flattened."""
    flat, stack = [], [geometry["coordinates"]]
    while stack:
        item = stack.pop()
        if isinstance(item, list) and item and isinstance(item[0], int | float):
            flat.extend(item)
        elif isinstance(item, list):
            stack.extend(reversed(item))
    return flat


def disagreements(api: dict, raw: dict, id_property: str, samples: int = 500) -> list[str]:
    """How the API's FeatureCollection differs from the raw SQL's: count, ids, and for a
    sample of features the properties and every coordinate (to 1e-7 degrees)."""
    problems = []
    api_ids = feature_ids(api, None)
    raw_ids = feature_ids(raw, id_property)
    if len(api_ids) != len(raw_ids):
        problems.append(f"{len(api_ids)} features from the API, {len(raw_ids)} from raw SQL")
    if set(api_ids) != set(raw_ids):
        problems.append(f"{len(set(api_ids) ^ set(raw_ids))} ids in only one of them")
    raw_by_id = {i: f for i, f in zip(raw_ids, raw["features"], strict=True)}
    step = max(1, len(api_ids) // samples)
    for feature in api["features"][::step]:
        other = raw_by_id.get(feature["id"])
        if other is None:
            continue
        props = {k: v for k, v in other["properties"].items() if k != "id"}
        if feature["properties"] != props:
            problems.append(f"feature {feature['id']}: properties differ")
        a, b = coordinates(feature["geometry"]), coordinates(other["geometry"])
        if len(a) != len(b) or any(abs(x - y) > 1e-7 for x, y in zip(a, b, strict=False)):
            problems.append(f"feature {feature['id']}: coordinates differ")
    return problems


def mb(value: float | None) -> str:
    """A memory figure for the tables."""
    return "n/a" if value is None else f"{value:,.1f}"


@dataclass
class Export:
    """One layer to export: how the API, the raw SQL and the serializer each ask for it."""

    title: str
    slug: str
    count: int
    query: dict  # the API's query parameters
    raw_sql: str
    raw_params: dict
    id_property: str  # where the raw SQL's features keep their id
    serializer_repeats: int


@dataclass
class Figures:
    """What one way of exporting took: seconds, peaks in MiB, and its answer."""

    seconds: float
    app_mb: float | None
    postgres_mb: float | None
    answer: object = None
    wire_bytes: int = 0  # what the API sent (gzipped or not)


class Server:
    """The gunicorn under test (one worker) and the worker's PostgreSQL session."""

    def __init__(self, url: str, master: subprocess.Popen, warm_slug: str):
        self.url, self.http = url, requests.Session()
        workers = child_pids(master.pid)
        if len(workers) != 1:
            raise SystemExit(f"expected one gunicorn worker, found {workers}")
        # Warm (code paths, the database session) with exports of a feature or two.
        for path in ("areas/export/?level=province", f"{warm_slug}/export/?rank=1"):
            api_export(self.http, f"{url}/api/v1/layers/{path}")
        self.worker = Watched(workers[0])
        self.backend = Watched(self.session())

    @staticmethod
    def session() -> int | None:
        """The process id of the worker's PostgreSQL backend (it connects as APP_NAME)."""
        with connect() as conn:
            found = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE application_name = %s", (APP_NAME,)
            ).fetchall()
        return found[0][0] if len(found) == 1 else None

    def way(self, job: Export, encoding: str) -> Way:
        """The API's export, asked with this Accept-Encoding; answers (body, bytes sent)."""
        url = f"{self.url}/api/v1/layers/{job.slug}/export/"
        if job.query:
            url += "?" + urlencode(job.query)
        return Way(lambda: api_export(self.http, url, encoding), [self.worker, self.backend])

    def session_kept(self) -> bool:
        """Whether the worker still has the database session watched (if it reconnected,
        that session's figures are void, and so are the next ones)."""
        if self.backend.pid is not None and self.session() != self.backend.pid:
            self.backend = Watched(None)
        return self.backend.pid is not None

    def empty_export(self, repeats: int) -> float:
        """The best time of an export that matches no feature (areas in a box in the Gulf
        of Guinea): what every export costs (HTTP, Django, the transaction and cursor round
        trips) before its first row."""
        url = f"{self.url}/api/v1/layers/areas/export/?bbox={EMPTY_BBOX}"
        seconds, (body, _wire), _peaks = measure(
            repeats, lambda: api_export(self.http, url, "identity"), []
        )
        if json.loads(body)["features"]:
            raise SystemExit(f"areas in {EMPTY_BBOX}: expected none")
        return seconds


def raw_way(stack: ExitStack, job: Export) -> Way:
    """The floor: json_agg in one statement, in a database session of its own."""
    conn = stack.enter_context(connect())
    conn.execute("EXPLAIN " + job.raw_sql, job.raw_params)  # warm the catalog caches
    return Way(
        lambda: raw_sql(conn, job.raw_sql, job.raw_params),
        [Watched(None), Watched(conn.info.backend_pid)],
    )


def export_sql_way(stack: ExitStack, job: Export) -> Way:
    """The API's own SQL without Django and HTTP, in a database session of its own."""
    spec = get_layer(job.slug, None)
    sql, params = features.feature_sql(spec, parse_query(spec, job.query, None, ogc=False))
    conn = stack.enter_context(connect())
    conn.execute("EXPLAIN " + sql, params)
    return Way(
        lambda: export_sql(conn, sql, params), [Watched(None), Watched(conn.info.backend_pid)]
    )


def run_ways(job: Export, server: Server, repeats: int, full: bool) -> dict[str, Figures]:
    """Every way of exporting the layer, ``repeats`` rounds in turns; then the serializer
    (a run of it is long enough for the load to even out)."""
    with ExitStack() as stack:
        ways = {"raw": raw_way(stack, job)}
        if full:
            ways["sql"] = export_sql_way(stack, job)
        ways["api"] = server.way(job, "gzip")
        if full:
            ways["plain"] = server.way(job, "identity")
        for _ in range(repeats):
            for way in ways.values():
                way.run()
    session_kept = server.session_kept()
    figures = {}
    for key, way in ways.items():
        api = key in ("api", "plain")
        answer, wire = way.answer if api else (way.answer, 0)
        pg = way.peaks[1] if session_kept or not api else None
        figures[key] = Figures(way.seconds, way.peaks[0], pg, answer, wire)
    figures["serializer"] = run_serializer(job)
    return figures


def run_serializer(job: Export) -> Figures:
    """The plain serializer, in a fresh process."""
    done = serialize_in_child(job.slug, job.serializer_repeats)
    return Figures(done["seconds"], done["app_mb"], done["postgres_mb"], done["features"])


def print_export(job: Export, ways: dict[str, Figures]) -> None:
    """The table of one layer: speed, time against the raw SQL, memory."""
    raw = ways["raw"].seconds
    print(f"\n{job.title}: {job.count:,} features")
    row("", "features/s", "seconds", "vs raw SQL", "app MB", "postgres MB", width=42, cell=13)
    labels = {
        "raw": "raw SQL json_agg(ST_AsGeoJSON(t.*))",
        "sql": "export SQL alone, server-side cursor",
        "api": f"HTTP GET .../{job.slug}/export/, gzip",
        "plain": "the same, Accept-Encoding: identity",
        "serializer": "DRF-GIS GeoFeatureModelSerializer"
        + (" (1 run)" if job.serializer_repeats == 1 else ""),
    }
    for key, label in labels.items():
        way = ways[key]
        row(
            label,
            f"{job.count / way.seconds:,.0f}",
            f"{way.seconds:.3f}",
            f"{way.seconds / raw:.2f}x",
            mb(way.app_mb),
            mb(way.postgres_mb),
            width=42,
            cell=13,
        )
    api, plain, serializer = (ways[k].seconds for k in ("api", "plain", "serializer"))
    print(
        f"  API: {api / raw:.2f}x the raw SQL's time gzipped, {plain / raw:.2f}x uncompressed "
        f"(aim: at most 1.5x); {serializer / api:.1f}x and {serializer / plain:.1f}x faster "
        "than the serializer (aim: at least 10x)"
    )
    print(
        f"  body {len(ways['plain'].answer) / 1e6:,.1f} MB, sent gzipped "
        f"{ways['api'].wire_bytes / 1e6:,.1f} MB (gzip level 1, by the export view)"
    )


def check(job: Export, ways: dict[str, Figures]) -> list[str]:
    """The API's features are the raw SQL's (ids; properties and coordinates of a sample);
    the export SQL and the serializer give as many."""
    raw = json.loads(ways["raw"].answer)
    problems = disagreements(json.loads(ways["api"].answer), raw, job.id_property)
    if "plain" in ways and ways["plain"].answer != ways["api"].answer:
        problems.append("the uncompressed export differs from the gzipped one")
    if "sql" in ways:
        counted = len(json.loads(ways["sql"].answer)["features"])
        if counted != job.count:
            problems.append(f"the export SQL gave {counted} features, not {job.count}")
    if ways["serializer"].answer != job.count:
        problems.append(f"the serializer gave {ways['serializer'].answer} features")
    return [f"{job.title}: {p}" for p in problems]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=200_000, help="points (default 200000)")
    parser.add_argument("--repeats", type=int, default=3, help="runs; the best counts")
    parser.add_argument(
        "--serializer-repeats",
        type=int,
        default=1,
        help="serializer runs over the points, the best counts (default 1: a run is long)",
    )
    parser.add_argument("--drop", action="store_true", help="remove the benchmark's layers")
    parser.add_argument("--serializer-child", metavar="SLUG", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.points < 1000 or args.repeats < 1 or args.serializer_repeats < 1:
        parser.error("--points must be at least 1000, the repeats at least 1")

    if args.serializer_child:
        serializer_child(args.serializer_child, args.repeats)
        return
    if args.drop:
        drop_bench_layers()
        return

    generation = current_generation()
    sizes = sorted({args.points // 4, args.points // 2, args.points})
    start = time.perf_counter()
    with connect() as conn:
        made = [n for n in sizes if ensure_points(conn, slug_for(n, args.points), n, generation.id)]
        if made:  # statistics for the planner (a sample: quick however big the table)
            conn.execute("ANALYZE layers_feature")
    layers = ", ".join(f"{slug_for(n, args.points)} ({n:,})" for n in sizes)
    setup = f"made {len(made)} in {time.perf_counter() - start:.1f} s" if made else "reused"
    print(f"Export benchmark: generation {generation.slug}; layers {layers}: {setup}")
    print(
        f"best of {args.repeats} runs (wards: {args.repeats * WARD_RUNS}; the serializer over "
        f"points: {args.serializer_repeats}); MB: peak private memory above the process's "
        "resting size"
    )

    wards = Export(
        "wards (areas?level=ward)",
        "areas",
        AdministrativeArea.objects.filter(generation=generation, level="ward").count(),
        WARDS_QUERY,
        RAW_WARDS,
        {"today": timezone.localdate()},
        "code",
        # A few milliseconds an export: more runs, or the best is only the least disturbed.
        args.repeats * WARD_RUNS,
    )
    points = [
        Export(
            f"points ({slug_for(n, args.points)})",
            slug_for(n, args.points),
            n,
            {},
            RAW_POINTS,
            {"layer": Layer.objects.get(slug=slug_for(n, args.points)).id},
            "id",
            args.serializer_repeats,
        )
        for n in sizes
    ]
    problems, growth = [], []
    # One worker, one database session kept for the whole run (CONN_MAX_AGE).
    server_env = {"PGAPPNAME": APP_NAME, "DATABASE_CONN_MAX_AGE": "600"}
    with gunicorn(workers=1, env=server_env) as (url, master):
        server = Server(url, master, points[0].slug)
        # Smallest first (see Watched): the wards, then the points layers as they grow.
        for job in [wards, *points]:
            full = job is wards or job is points[-1]
            repeats = job.serializer_repeats if job is wards else args.repeats
            ways = run_ways(job, server, repeats, full)
            if full:
                print_export(job, ways)
            if job is wards:
                empty = server.empty_export(repeats)
                print(
                    f"  an export that matches no feature takes {empty * 1000:.1f} ms through "
                    f"HTTP, the raw SQL of all {job.count} wards "
                    f"{ways['raw'].seconds * 1000:.1f} ms"
                )
            if job is not wards:
                growth.append((job, ways))
            problems += check(job, ways)

    print("\nmemory as the layer grows: peak MB above the resting size (the API gzipped)")
    row("", "API worker", "API postgres", "raw SQL postgres", "serializer", width=16, cell=18)
    for job, ways in growth:
        row(
            f"{job.count:,} points",
            mb(ways["api"].app_mb),
            mb(ways["api"].postgres_mb),
            mb(ways["raw"].postgres_mb),
            mb(ways["serializer"].app_mb),
            width=16,
            cell=18,
        )
    checked = ", ".join(f"{job.count:,}" for job in [wards, *points])
    if problems:
        print("correctness: the exports differ")
        for problem in problems:
            print(f"  {problem}")
        raise SystemExit(1)
    print(
        f"correctness ({checked} features): the API and the raw SQL give the same ids, and "
        "for a sample the same properties and coordinates (to 1e-7); the export SQL and the "
        "serializer give as many features"
    )


if __name__ == "__main__":
    main()
