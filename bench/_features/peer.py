"""A pg_featureserv-like peer: the same GeoJSON as the export API from a bare WSGI handler
over psycopg (no Django, no middleware, no framework), what a Go or raw server's fixed
cost per request looks like. It runs the API's own export statement, composed once by the
benchmark (``PEER_SQL``), reads it in libpq's chunks, and answers gzip level 1 when asked,
as the API does. One gunicorn worker, like the API's in the benchmark.
"""

import os
import subprocess
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import requests

_connection: psycopg.Connection | None = None


def application(environ, start_response):
    """Every request answers the one statement's FeatureCollection."""
    global _connection
    if _connection is None:  # one session per worker, kept (as the API's CONN_MAX_AGE)
        _connection = psycopg.connect(os.environ["PEER_DATABASE_URL"], autocommit=True)
    with _connection.cursor() as cursor:
        rows = [row[0] for row in cursor.stream(os.environ["PEER_SQL"], size=2000)]
    body = (os.environ["PEER_PREFIX"] + ",".join(rows) + "]}").encode()
    headers = [("Content-Type", "application/geo+json")]
    if "gzip" in environ.get("HTTP_ACCEPT_ENCODING", ""):
        compressor = zlib.compressobj(1, zlib.DEFLATED, 31)
        body = compressor.compress(body) + compressor.flush()
        headers.append(("Content-Encoding", "gzip"))
    headers.append(("Content-Length", str(len(body))))
    start_response("200 OK", headers)
    return [body]


@contextmanager
def peer_server(gunicorn: str, port: int, env: dict[str, str]) -> Iterator[str]:
    """This module under gunicorn (one sync worker) on 127.0.0.1:``port``; yields its URL."""
    url = f"http://127.0.0.1:{port}"
    command = [gunicorn, "peer:application", "--bind", f"127.0.0.1:{port}", "--workers", "1"]
    command += ["--chdir", os.path.dirname(__file__), "--log-level", "warning"]
    process = subprocess.Popen([*command, "--no-control-socket"], env={**os.environ, **env})
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(url, timeout=5)
                break
            except requests.RequestException:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("the raw peer did not start") from None
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
