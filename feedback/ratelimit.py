"""Rate limits for anonymous submissions, counted in PostgreSQL so that every worker shares them.

Fixed windows: each (client, window) is one row whose counter an upsert raises and returns
in one statement, outside the request's transaction, so a limit holds across gunicorn
workers and a refused request costs one round trip. Clients are told when to come back
(``Retry-After``). Old windows are dropped now and then by the same path.
"""

import math
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import TooManyRequests

HIT_SQL = """
INSERT INTO feedback_ratewindow (bucket, window_start, hits)
VALUES (%(bucket)s, %(start)s, 1)
ON CONFLICT (bucket, window_start) DO UPDATE SET hits = feedback_ratewindow.hits + 1
RETURNING hits
"""


def windows() -> list[tuple[timedelta, int]]:
    """The windows and their limits for anonymous submissions (0 switches one off)."""
    options = settings.COMMONMAP
    return [
        (timedelta(minutes=1), options["FEEDBACK_ANON_PER_MINUTE"]),
        (timedelta(hours=1), options["FEEDBACK_ANON_PER_HOUR"]),
    ]


def hit(client: str, action: str = "submit", now=None) -> None:
    """Count one request of ``client``; TooManyRequests (429, Retry-After) past a limit."""
    now = now or timezone.now()
    with connection.cursor() as cursor:
        for length, limit in windows():
            if limit <= 0:
                continue
            seconds = int(length.total_seconds())
            start = now - timedelta(seconds=now.timestamp() % seconds)
            cursor.execute(HIT_SQL, {"bucket": f"{action}:{seconds}:{client}", "start": start})
            if cursor.fetchone()[0] > limit:
                retry = max(1, math.ceil((start + length - now).total_seconds()))
                raise TooManyRequests(
                    _(
                        "Too many reports from this connection: at most {limit} per {period}. "
                        "Try again in {seconds} seconds, or sign in."
                    ).format(limit=limit, period=_period(length), seconds=retry),
                    headers={"Retry-After": str(retry)},
                )
        if secrets.randbelow(100) == 0:  # now and then, not on every request
            cursor.execute(
                "DELETE FROM feedback_ratewindow WHERE window_start < %s", [now - timedelta(days=1)]
            )


def _period(length: timedelta) -> str:
    return _("minute") if length <= timedelta(minutes=1) else _("hour")
