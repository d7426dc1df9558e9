"""Failed sign-ins throttled per username and per client address, counted in PostgreSQL so
that every worker shares the count.

After ``LOGIN_FAILURES_MAX`` failures within ``LOGIN_FAILURE_WINDOW_S`` seconds of the
first, the username (or the address) is refused with 429 and ``Retry-After`` until that
window has passed, even with the right password: guessing stops paying. A success forgets
the username's failures; the address keeps its own. Like ``feedback.ratelimit``, one upsert
per failure, outside any request transaction; a request that signs in costs one read.
"""

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from core.clients import client_of
from core.errors import TooManyRequests

FAILURE_SQL = """
INSERT INTO logins_failurewindow (bucket, failures, window_start)
VALUES (%(bucket)s, 1, %(now)s)
ON CONFLICT (bucket) DO UPDATE SET
    failures = CASE WHEN logins_failurewindow.window_start > %(since)s
                    THEN logins_failurewindow.failures + 1 ELSE 1 END,
    window_start = CASE WHEN logins_failurewindow.window_start > %(since)s
                        THEN logins_failurewindow.window_start ELSE %(now)s END
"""


@dataclass(frozen=True)
class Buckets:
    """What one sign-in attempt is counted against: its username and its client address."""

    user: str
    address: str

    def both(self) -> list[str]:
        """The two buckets."""
        return [self.user, self.address]


def window() -> timedelta:
    """How long failures count, and how long a lock lasts from the first of them."""
    return timedelta(seconds=settings.COMMONMAP["LOGIN_FAILURE_WINDOW_S"])


def buckets_for(request, username: str) -> Buckets:
    """The buckets of an attempt as ``username`` (case-insensitive) from this request."""
    name = hashlib.sha256(f"{settings.SECRET_KEY}:login:{username.casefold()}".encode())
    return Buckets(user=f"user:{name.hexdigest()[:24]}", address=f"address:{client_of(request)}")


def check(buckets: Buckets, now: datetime | None = None) -> bool:
    """TooManyRequests (429, Retry-After) while either bucket is locked; otherwise whether
    the username has failures on record (a success then forgets them)."""
    now = now or timezone.now()
    limit = settings.COMMONMAP["LOGIN_FAILURES_MAX"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT bucket, failures, window_start FROM logins_failurewindow "
            "WHERE bucket = ANY(%s) AND window_start > %s",
            [buckets.both(), now - window()],
        )
        rows = cursor.fetchall()
    locked = [start for _bucket, failures, start in rows if limit > 0 and failures >= limit]
    if locked:
        retry = max(1, math.ceil((max(locked) + window() - now).total_seconds()))
        raise TooManyRequests(
            _(
                "Too many failed sign-ins for this account or from this connection. "
                "Try again in {seconds} seconds."
            ).format(seconds=retry),
            headers={"Retry-After": str(retry)},
        )
    return any(bucket == buckets.user for bucket, _failures, _start in rows)


def record_failure(buckets: Buckets, now: datetime | None = None) -> None:
    """Count a failed sign-in against the username and the address."""
    now = now or timezone.now()
    with connection.cursor() as cursor:
        for bucket in buckets.both():
            cursor.execute(FAILURE_SQL, {"bucket": bucket, "now": now, "since": now - window()})
        if secrets.randbelow(100) == 0:  # now and then, not on every failure
            cursor.execute(
                "DELETE FROM logins_failurewindow WHERE window_start < %s",
                [now - timedelta(days=1)],
            )


def forget(buckets: Buckets) -> None:
    """A successful sign-in: the username's failures no longer count."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM logins_failurewindow WHERE bucket = %s", [buckets.user])
