"""The purger: the database's notifications of what a write changed, as bans of the HTTP
front cache (``manage.py front_purger``; the bans in tiles/front_bans.py).

It LISTENs on a connection of its own (autocommit) to ``commonmap_front``, which
``tiles_forget`` and the layers' own rows notify at commit (tiles migration 0007), and
sends each batch of notifications as bans (``BAN /`` with the expression in ``X-Ban``,
front/commonmap.vcl) to every front. On start and after every reconnection it bans every
tagged answer (notifications sent while it was away are lost). Each ban is sent again
``again_after`` seconds later: an answer computed before the write committed and stored by
the front after the first ban is forgotten by the second. A front that cannot be reached
keeps its bans queued and is retried with backoff; a bad payload is logged and skipped.
"""

import http.client
import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field

import psycopg
from psycopg.conninfo import make_conninfo

from tiles.front_bans import EVERYTHING, bans_for, parse

CHANNEL = "commonmap_front"
log = logging.getLogger("commonmap.front_purge")

MAX_QUEUED = 200  # bans waiting for an unreachable front; beyond: one ban of everything
HEALTH_EVERY = 30.0  # seconds without a notification before the connection is checked


def conninfo_from(settings_dict: dict) -> str:
    """A libpq connection string for a Django ``DATABASES`` entry."""
    options = settings_dict.get("OPTIONS", {})
    return make_conninfo(
        dbname=settings_dict["NAME"],
        user=settings_dict.get("USER") or None,
        password=settings_dict.get("PASSWORD") or None,
        host=settings_dict.get("HOST") or None,
        port=str(settings_dict["PORT"]) if settings_dict.get("PORT") else None,
        connect_timeout=str(options.get("connect_timeout", 5)),
        keepalives="1",
        keepalives_idle="10",
        application_name="commonmap front_purger",
    )


@dataclass
class Front:
    """One front cache and the bans it has not accepted yet."""

    url: str
    queued: list[str] = field(default_factory=list)
    failures: int = 0
    retry_at: float = 0.0


def send_ban(url: str, expression: str, timeout: float = 5.0) -> tuple[int, str]:
    """``BAN`` one expression at a front: (status, reason); OSError when unreachable."""
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"not an http(s) URL: {url}")
    request = urllib.request.Request(  # noqa: S310 (http(s) only, checked above)
        url.rstrip("/") + "/", method="BAN", headers={"X-Ban": expression}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
            return answer.status, answer.reason
    except urllib.error.HTTPError as error:
        return error.code, error.reason


class Purger:
    """Listens to the database and bans at the fronts; ``run()`` until ``stop()``."""

    def __init__(self, conninfo: str, fronts: list[str], again_after: float = 5.0):
        self.conninfo = conninfo
        self.fronts = [Front(url) for url in fronts]
        self.again_after = again_after
        self.again: list[tuple[float, list[str]]] = []  # (when, bans) to send once more
        self.stopping = False
        self.connected = False
        self.sent = 0  # bans accepted by a front (for tests and logs)

    def stop(self) -> None:
        """Ask ``run()`` to return after its current wait."""
        self.stopping = True

    # -- the fronts -------------------------------------------------------------------

    def queue(self, bans: list[str]) -> None:
        """Give ``bans`` to every front now."""
        if not bans:
            return
        for front in self.fronts:
            front.queued.extend(bans)
            if len(front.queued) > MAX_QUEUED:
                front.queued = bans_for([EVERYTHING])
        self.flush()

    def flush(self) -> None:
        """Send each front its queued bans, unless it is waiting out a failure."""
        now = time.monotonic()
        for front in self.fronts:
            if not front.queued or front.retry_at > now:
                continue
            while front.queued:
                expression = front.queued[0]
                try:
                    status, reason = send_ban(front.url, expression)
                except (OSError, ValueError, http.client.HTTPException) as error:
                    front.failures += 1
                    delay = min(30.0, 0.5 * 2 ** min(front.failures, 6))
                    front.retry_at = now + delay
                    log.warning(
                        "front %s unreachable (%s): %d bans kept, retry in %.1f s",
                        front.url,
                        error,
                        len(front.queued),
                        delay,
                    )
                    break
                front.queued.pop(0)
                front.failures = 0
                if status == 200:
                    self.sent += 1
                    log.debug("banned at %s: %s", front.url, expression)
                else:
                    log.error("front %s refused (%s %s): %s", front.url, status, reason, expression)

    def next_wake(self) -> float:
        """Seconds until a front's retry or a ban's second sending is due."""
        now = time.monotonic()
        due = [f.retry_at for f in self.fronts if f.queued] + [when for when, _ in self.again]
        return max(0.0, min(due, default=now + HEALTH_EVERY) - now)

    def send_again_when_due(self) -> None:
        """Send once more the bans whose second sending is due."""
        now = time.monotonic()
        due = [bans for when, bans in self.again if when <= now]
        self.again = [(when, bans) for when, bans in self.again if when > now]
        for bans in due:
            self.queue(bans)

    # -- the database -----------------------------------------------------------------

    def handle(self, payloads: list[str]) -> list[str]:
        """Ban what a batch of payloads names; bad payloads are logged and skipped."""
        forgets = []
        for payload in payloads:
            try:
                forgets.append(parse(payload))
            except (ValueError, TypeError) as error:
                log.error("bad notification %r: %s", payload[:200], error)
        bans = bans_for(forgets) if forgets else []
        self.queue(bans)
        if bans and self.again_after > 0:
            self.again.append((time.monotonic() + self.again_after, bans))
        return bans

    def listen(self, connection: psycopg.Connection) -> None:
        """Ban in batches what arrives on ``connection`` until it breaks or ``stop()``."""
        quiet_since = time.monotonic()
        while not self.stopping:
            wait = min(self.next_wake(), 0.5)
            payloads = [n.payload for n in connection.notifies(timeout=wait, stop_after=1)]
            if payloads:
                # Whatever else is queued or arrives within 20 ms joins the batch.
                more = connection.notifies(timeout=0.02, stop_after=1000)
                payloads.extend(n.payload for n in more)
                self.handle(payloads)
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since > HEALTH_EVERY:
                connection.execute("SELECT 1")
                quiet_since = time.monotonic()
            self.send_again_when_due()
            self.flush()

    def run(self) -> None:
        """Connect, ban everything tagged, listen; reconnect with backoff when the
        connection breaks (a database restart), banning everything again."""
        failures = 0
        while not self.stopping:
            try:
                with psycopg.connect(self.conninfo, autocommit=True) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    self.connected = True
                    failures = 0
                    # Notifications sent while nobody listened are lost: forget everything.
                    self.queue(bans_for([EVERYTHING]))
                    log.info("listening on %s; every tagged answer banned", CHANNEL)
                    self.listen(connection)
            except psycopg.Error as error:
                self.connected = False
                failures += 1
                delay = min(30.0, 0.5 * 2 ** min(failures, 6))
                log.warning("database connection lost (%s); reconnecting in %.1f s", error, delay)
                end = time.monotonic() + delay
                while not self.stopping and time.monotonic() < end:
                    time.sleep(min(0.2, end - time.monotonic()))
                    self.flush()
            finally:
                self.connected = False
