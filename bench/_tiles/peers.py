"""The warm peers: nginx (Debian's) serving the very same tile bytes as static files and as a
PMTiles archive read with range requests, and the app's own front cache (Varnish, started
through scripts/front.sh) in front of the benchmark's gunicorn.
"""

import http.client
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from _common import ROOT
from pmtiles.tile import (
    Compression,
    TileType,
    deserialize_directory,
    deserialize_header,
    find_tile,
    zxy_to_tileid,
)
from pmtiles.writer import Writer

from _tiles.grid import Tile, tile_bounds

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
PORTS = range(18600, 18700)  # this benchmark's own ports for the servers it starts
WORKDIR = Path("/tmp/bench-tiles-peers")
MVT = "application/vnd.mapbox-vector-tile"
FIRST_READ = 16384  # MapLibre's pmtiles protocol reads the header and root directory at once

NGINX_CONF = """
daemon off;
master_process on;
worker_processes {workers};
pid {dir}/nginx.pid;
error_log stderr warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {dir}/tmp;
  proxy_temp_path {dir}/tmp;
  fastcgi_temp_path {dir}/tmp;
  uwsgi_temp_path {dir}/tmp;
  scgi_temp_path {dir}/tmp;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_requests 1000000;
  keepalive_timeout 300s;
  etag on;
  server {{
    listen 127.0.0.1:{port};
    root {dir}/www;
    # The app's tile URLs, its gzip bytes as files: the same headers that matter.
    location /tiles/ {{
      types {{ }}
      default_type {mvt};
      add_header Content-Encoding gzip;
      add_header Vary Accept-Encoding;
      add_header Cache-Control "public, max-age=60";
      try_files $uri =204;
    }}
    # A PMTiles archive, read by range requests.
    location /pmtiles/ {{
      types {{ }}
      default_type application/octet-stream;
    }}
  }}
}}
"""


def free_port() -> int:
    """The first free port of the benchmark's own range."""
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORTS.start}-{PORTS.stop - 1}")


def wait_for_port(port: int, process: subprocess.Popen | None, what: str) -> None:
    """Until something listens on the port (or the process ended: an error)."""
    deadline = time.monotonic() + 20
    while True:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        if (process and process.poll() is not None) or time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start")
        time.sleep(0.1)


def write_static(root: Path, bodies: dict[Tile, bytes]) -> int:
    """The tiles' gzip bytes as files at the app's URL paths under ``root``; empty tiles
    get no file (nginx answers 204, as the app does). How many files were written."""
    written = 0
    for tile, body in bodies.items():
        if not body:
            continue
        path = root / tile.path.lstrip("/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
        written += 1
    return written


def archive_name(layers: str) -> str:
    """The PMTiles archive's file name for a set of layers."""
    return layers.replace(",", "+") + ".pmtiles"


def write_pmtiles(path: Path, bodies: dict[Tile, bytes]) -> int:
    """A PMTiles v3 archive of the non-empty tiles (their gzip bytes as they are: tile
    compression gzip, as the app sends them), written by the ``pmtiles`` package; its size."""
    tiles = sorted((zxy_to_tileid(t.z, t.x, t.y), t, b) for t, b in bodies.items() if b)
    bounds = [tile_bounds(t.z, t.x, t.y) for _, t, _ in tiles]
    west, south = min(b[0] for b in bounds), min(b[1] for b in bounds)
    east, north = max(b[2] for b in bounds), max(b[3] for b in bounds)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        writer = Writer(f)
        for tile_id, _, body in tiles:
            writer.write_tile(tile_id, body)
        zooms = [t.z for _, t, _ in tiles]
        writer.finalize(
            {
                "tile_type": TileType.MVT,
                "tile_compression": Compression.GZIP,
                "min_zoom": min(zooms),
                "max_zoom": max(zooms),
                "min_lon_e7": int(west * 1e7),
                "min_lat_e7": int(south * 1e7),
                "max_lon_e7": int(east * 1e7),
                "max_lat_e7": int(north * 1e7),
                "center_zoom": min(zooms),
                "center_lon_e7": int((west + east) / 2 * 1e7),
                "center_lat_e7": int((south + north) / 2 * 1e7),
            },
            {"name": path.stem, "vector_layers": []},
        )
    return path.stat().st_size


def range_get(conn: http.client.HTTPConnection, path: str, offset: int, length: int) -> bytes:
    """One range read of a file through HTTP (206 expected)."""
    conn.request("GET", path, headers={"Range": f"bytes={offset}-{offset + length - 1}"})
    answer = conn.getresponse()
    body = answer.read()
    if answer.status != 206:
        raise RuntimeError(f"GET {path} bytes {offset}+{length}: {answer.status}")
    return body


def pmtiles_ranges(url: str, layers: str, tiles: list[Tile]) -> dict[Tile, str | None]:
    """What MapLibre's pmtiles protocol does before reading tiles: one range read of the
    archive's first 16 KB (header and root directory), a leaf directory when a tile is
    in one; then each tile's Range header (None: not in the archive, no request made)."""
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    path = f"/pmtiles/{archive_name(layers)}"
    try:
        first = range_get(conn, path, 0, FIRST_READ)
        header = deserialize_header(first[:127])
        root_end = header["root_offset"] + header["root_length"]
        root = deserialize_directory(first[header["root_offset"] : root_end])
        leaves: dict[int, list] = {}
        ranges: dict[Tile, str | None] = {}
        for tile in tiles:
            tile_id = zxy_to_tileid(tile.z, tile.x, tile.y)
            entry = find_tile(root, tile_id)
            if entry is not None and entry.run_length == 0:  # a leaf directory
                offset = header["leaf_directory_offset"] + entry.offset
                if offset not in leaves:
                    leaves[offset] = deserialize_directory(
                        range_get(conn, path, offset, entry.length)
                    )
                entry = find_tile(leaves[offset], tile_id)
            if entry is None:
                ranges[tile] = None
                continue
            start = header["tile_data_offset"] + entry.offset
            ranges[tile] = f"bytes={start}-{start + entry.length - 1}"
        return ranges
    finally:
        conn.close()


@contextmanager
def nginx_server(workdir: Path, workers: int) -> Iterator[tuple[str, int]]:
    """nginx (not a daemon: a child of this process) serving ``workdir``/www on a port of
    the benchmark's range; yields its URL and master pid, stopped after."""
    port = free_port()
    (workdir / "tmp").mkdir(parents=True, exist_ok=True)
    conf = workdir / "nginx.conf"
    conf.write_text(NGINX_CONF.format(workers=workers, dir=workdir, port=port, mvt=MVT))
    command = [NGINX, "-p", str(workdir), "-c", str(conf), "-e", "stderr"]
    process = subprocess.Popen(command)
    try:
        wait_for_port(port, process, "nginx")
        yield f"http://127.0.0.1:{port}", process.pid
    finally:
        process.send_signal(signal.SIGQUIT)  # graceful: workers finish, then exit
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


FRONT_SCRIPT = ROOT / "scripts" / "front.sh"


@contextmanager
def front_server(backend_url: str, workdir: Path) -> Iterator[tuple[str, list[int]]]:
    """The app's front cache (scripts/front.sh: Varnish) on a port of the benchmark's
    range in front of ``backend_url``; yields its URL and its processes, stopped after."""
    if not FRONT_SCRIPT.exists():
        raise RuntimeError(f"{FRONT_SCRIPT.relative_to(ROOT)} is not there")
    port = free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "FRONT_LISTEN": f"127.0.0.1:{port}",
        "FRONT_BACKEND": backend_url.removeprefix("http://"),
        "FRONT_DIR": str(workdir),
    }
    start = subprocess.run(
        ["bash", str(FRONT_SCRIPT), "start"], env=env, capture_output=True, text=True, check=False
    )
    try:
        if start.returncode != 0:
            raise RuntimeError(f"front.sh start failed: {(start.stderr or start.stdout)[-300:]}")
        wait_for_port(port, None, "the front")
        yield f"http://127.0.0.1:{port}", front_pids(workdir)
    finally:
        subprocess.run(
            ["bash", str(FRONT_SCRIPT), "stop"], env=env, capture_output=True, check=False
        )


def front_pids(workdir: Path) -> list[int]:
    """The front's processes: varnishd's manager (its pid file; the cache process is its
    child)."""
    try:
        return [int((workdir / "varnishd.pid").read_text().split()[0])]
    except (OSError, ValueError, IndexError):
        return []
