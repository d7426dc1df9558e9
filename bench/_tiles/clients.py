"""The clients of each way: a database session running the raw tile SQL (the floor) and a
keep-alive HTTP connection (the app, TiPg), and the loop that runs them concurrently.
"""

import gzip
import http.client
import resource
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from _tiles.grid import LAYER_SETS, Tile
from _tiles.layer import connect
from layers.registry import get_layer
from tiles.mvt import tile_sql


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
        statement = tile_sql(self.specs[tile.layers], tile.z, tile.x, tile.y)
        raw, _snapshot = self.conn.execute(statement).fetchone()
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
