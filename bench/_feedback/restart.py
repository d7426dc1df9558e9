"""PostgreSQL stopped and started at half time (``scripts/db.sh``, the project's own cluster
only) while the clients go on, and what that did.
"""

import math
import os
import subprocess
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import psycopg
from _common import ROOT

from _feedback.clients import Attempt, Ledger

GRACE = 2.0  # seconds after the database is back that still count as the restart

FOUND_SQL = "SELECT tracking_code FROM feedback_feedbackitem WHERE tracking_code = ANY(%s)"


@dataclass
class Restart:
    """What happened while PostgreSQL was restarted."""

    began: float = math.nan  # seconds since the run's start
    stop_seconds: float = math.nan
    start_seconds: float = math.nan
    away: float = math.nan  # from the stop command to the first new connection
    acked_before: int = 0
    found_after: int = 0
    error: str = ""

    def window(self) -> tuple[float, float] | None:
        """From the stop to ``GRACE`` seconds after the first new connection, if it ran."""
        if self.error or math.isnan(self.away):
            return None
        return self.began, self.began + self.away + GRACE

    def during(self, attempt: Attempt) -> bool:
        """Whether the attempt was under way at some time in the restart's window."""
        window = self.window()
        return window is not None and attempt.at <= window[1] and attempt.done >= window[0]


def local_cluster_url() -> str | None:
    """The URL of the project's own cluster (``scripts/db.sh url``), or None."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    done = subprocess.run(
        [ROOT / "scripts" / "db.sh", "url"], env=env, capture_output=True, text=True, check=False
    )
    return done.stdout.strip() or None


def same_database(a: str, b: str) -> bool:
    """Whether two postgres URLs name the same database (host, port, name, user)."""
    pa, pb = urlsplit(a), urlsplit(b)
    return (pa.hostname, pa.port, pa.path, pa.username) == (
        pb.hostname,
        pb.port,
        pb.path,
        pb.username,
    )


def restart_database(url: str, ledger: Ledger, t0: float, at: float, report: Restart) -> None:
    """At ``at`` seconds into the run: ``scripts/db.sh stop`` then ``start`` (the local
    cluster; DATABASE_URL must not reach the script, which would then leave it alone), wait
    for the first new connection, and count the items acknowledged before that are there."""
    time.sleep(max(0.0, t0 + at - time.monotonic()))
    with ledger.lock:
        before = [code for code, _ in ledger.acked.values()]
    report.acked_before = len(before)
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    script = ROOT / "scripts" / "db.sh"
    began = time.monotonic()
    report.began = began - t0
    try:
        subprocess.run([script, "stop"], env=env, check=True, capture_output=True)
        stopped = time.monotonic()
        subprocess.run([script, "start"], env=env, check=True, capture_output=True)
        started = time.monotonic()
    except subprocess.CalledProcessError as error:
        report.error = f"{error.cmd}: exit {error.returncode}: {error.stderr.decode()[-300:]}"
        return
    report.stop_seconds, report.start_seconds = stopped - began, started - stopped
    while True:
        try:
            conn = psycopg.connect(url, connect_timeout=2)
            break
        except psycopg.OperationalError:
            time.sleep(0.05)
    report.away = time.monotonic() - began
    with conn:
        report.found_after = len(conn.execute(FOUND_SQL, (before,)).fetchall())
