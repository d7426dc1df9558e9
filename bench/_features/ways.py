"""A way of exporting, run again and again: its best time and the peak memory of the processes
it keeps busy; and what each way answered for one layer.
"""

import gc
import time
from collections.abc import Callable
from dataclasses import dataclass

from _common import memory_kib, private_peak_kib, reset_peak_memory


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
