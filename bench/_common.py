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
    with gunicorn(workers) as (url, _master):
        yield url


@contextmanager
def gunicorn(
    workers: int = 2, env: dict[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen]]:
    """Like ``serve``, and also yields the gunicorn master process (its children are the
    workers, see ``child_pids``); ``env`` adds to the server's environment."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_DEBUG": "0", **(env or {})}
    command = [
        str(GUNICORN),
        "geoportal.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--no-control-socket",  # gunicorn 27 shares one socket path between instances
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:  # refused, or workers still booting (timeout)
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not start (exit code {process.poll()})")
            time.sleep(0.2)
        yield url, process
    finally:
        process.terminate()
        process.wait(timeout=10)


def child_pids(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (Linux /proc), e.g. gunicorn's workers."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # the process ended meanwhile
            continue
        # The command name, in parentheses, may hold spaces: the fields after it are safe.
        if int(text.rpartition(")")[2].split()[1]) == pid:
            children.append(int(stat.parent.name))
    return sorted(children)


def memory_kib(pid: int, key: str = "VmRSS") -> int | None:
    """A memory figure of a process from /proc/PID/status (VmRSS, VmHWM, RssAnon...) in
    KiB, or None when it cannot be read (another user's process, not Linux)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def reset_peak_memory(pid: int) -> bool:
    """Set the process's peak resident size (VmHWM) back to its current size (Linux 4.0+:
    ``5`` into /proc/PID/clear_refs); False when not allowed (another user's process)."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def private_peak_kib(pid: int) -> int | None:
    """The process's peak private memory since ``reset_peak_memory``, in KiB: its peak
    resident size less the file and shared pages it has mapped by now (a server's shared
    buffers count as resident once touched; they are not the query's memory)."""
    peak, files, shared = (memory_kib(pid, key) for key in ("VmHWM", "RssFile", "RssShmem"))
    if peak is None or files is None or shared is None:
        return None
    return peak - files - shared


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


def row(label: str, *cells: str, width: int = 44, cell: int = 16) -> None:
    """Print one line of a result table."""
    print(f"  {label:<{width}}" + "".join(f"{c:>{cell}}" for c in cells))
