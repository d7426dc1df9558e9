"""What the benchmarks share: Django set-up, a real gunicorn on a free port, timing.

Every figure a benchmark prints is set against a baseline measured in the same run on the
same machine, so that the ratios mean something whatever the hardware.
"""

import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geoportal.settings")
os.environ.setdefault("COMMONMAP_DEV", "1")

import django  # noqa: E402  (settings must be chosen first)

django.setup()

import requests  # noqa: E402
from django.conf import settings  # noqa: E402

GUNICORN = Path(sys.executable).parent / "gunicorn"


def database_url() -> str:
    """The URL of the database Django uses, for the server the benchmark starts."""
    return settings.DATABASE_URL


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serve(workers: int = 2) -> Iterator[str]:
    """gunicorn serving the app on 127.0.0.1 (never another interface); yields its base URL."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_DEBUG": "0"}
    command = [
        str(GUNICORN),
        "geoportal.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not start (exit code {process.poll()})")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def best_of(repeats: int, work: Callable[[], object]) -> tuple[float, object]:
    """The fastest of ``repeats`` runs in seconds (the least disturbed), and its result."""
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return min(times), result


def percentile(values: list[float], fraction: float) -> float:
    """The ``fraction`` quantile (0..1) of ``values``."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(fraction * 100) - 1]


def row(label: str, *cells: str, width: int = 44) -> None:
    """Print one line of a result table."""
    print(f"  {label:<{width}}" + "".join(f"{c:>16}" for c in cells))
