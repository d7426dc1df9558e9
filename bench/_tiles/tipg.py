"""TiPg, the standalone PostGIS tile server the benchmark compares with: installed in a venv
of its own outside the project, served over a view of the layer's points while it runs.
"""

import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import _common
import requests

from _tiles.grid import ZOOMS, Tile
from _tiles.layer import SLUG, TIPG_VIEW, connect
from _tiles.measure import WORKERS
from layers.models import Layer
from tiles.pyramid import TOP_LEVEL

TIPG_VERSION = "1.6.1"
UVICORN_VERSION = "0.54.0"
TIPG_COLLECTION = f"public.{TIPG_VIEW}"
TIPG_DEFAULT_LIMIT = 10_000  # TiPg's own cap on features a tile (TIPG_MAX_FEATURES_PER_TILE)

# TiPg serves tables and views: this one shows it the bench layer's points and properties.
# It exists only while TiPg runs (a view pins the columns of layers_feature it reads).
VIEW_SQL = f"""
CREATE OR REPLACE VIEW {TIPG_VIEW} AS
SELECT id, geom, attributes ->> 'status' AS status, attributes ->> 'category' AS category,
       attributes ->> 'reported_at' AS reported_at
FROM layers_feature WHERE layer_id = {{layer:d}}
"""


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
