"""The ways of exporting a layer that run in this process: the raw ``json_agg`` SQL (the floor),
the API's own export SQL without Django, and ``GET .../export/`` from a real gunicorn.
"""

import json
import subprocess
import zlib
from contextlib import ExitStack
from urllib.parse import urlencode

import psycopg
import requests
from _common import child_pids

from _features.points import connect
from _features.serializer import run_serializer
from _features.ways import Export, Figures, Watched, Way, measure
from layers import features
from layers.feature_params import parse_query
from layers.registry import get_layer

EMPTY_BBOX = "0,0,0.001,0.001"  # no area of the city there
APP_NAME = "commonmap-bench-export"  # how the server's database session is found

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
        of Guinea): what every export costs (HTTP, Django, its statement's round trip)
        before its first row."""
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
    conn.execute("EXPLAIN " + sql.as_string(conn), params)
    return Way(
        lambda: export_sql(conn, sql, params), [Watched(None), Watched(conn.info.backend_pid)]
    )


def peer_settings(job: Export) -> dict[str, str]:
    """What the raw peer (``_features/peer.py``) answers with: the API's own statement for
    the job, composed here once, and the document's head as the API writes it."""
    spec = get_layer(job.slug, None)
    statement, _params = features.feature_sql(spec, parse_query(spec, job.query, None, ogc=False))
    with connect() as conn:
        text = statement.as_string(conn)
    head = json.dumps({"type": "FeatureCollection", "layer": spec.slug}, separators=(",", ":"))
    return {"PEER_SQL": text, "PEER_PREFIX": head[:-1] + ',"features":['}


def run_ways(
    job: Export, server: Server, repeats: int, full: bool, peer: str | None = None
) -> dict[str, Figures]:
    """Every way of exporting the layer, ``repeats`` rounds in turns; then the serializer
    (a run of it is long enough for the load to even out). ``peer``: the raw peer's URL."""
    with ExitStack() as stack:
        ways = {"raw": raw_way(stack, job)}
        if full:
            ways["sql"] = export_sql_way(stack, job)
        if peer is not None:
            http = requests.Session()
            ways["peer"] = Way(lambda: api_export(http, peer + "/", "gzip"), [])
        ways["api"] = server.way(job, "gzip")
        if full:
            ways["plain"] = server.way(job, "identity")
        for _ in range(repeats):
            for way in ways.values():
                way.run()
    session_kept = server.session_kept()
    figures = {}
    for key, way in ways.items():
        api = key in ("api", "plain", "peer")
        answer, wire = way.answer if api else (way.answer, 0)
        if not way.peaks:  # the peer: its processes are not watched
            figures[key] = Figures(way.seconds, None, None, answer, wire)
            continue
        pg = way.peaks[1] if session_kept or not api else None
        figures[key] = Figures(way.seconds, way.peaks[0], pg, answer, wire)
    figures["serializer"] = run_serializer(job)
    return figures
