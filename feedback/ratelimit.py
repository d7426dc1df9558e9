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

# Both windows' counters raised in one statement: a window whose limit is 0 is off (not
# counted), and the hour's is counted only when the minute's let the request through (a
# request refused by the minute's limit is not counted in the hour's). Now and then
# (``sweep``) the same statement drops the windows older than a day. NULL: not counted.
HIT_SQL = """
WITH swept AS (
    DELETE FROM feedback_ratewindow WHERE %(sweep)s AND window_start < %(old)s
), counted_first AS (
    INSERT INTO feedback_ratewindow (bucket, window_start, hits)
    SELECT %(bucket0)s, %(start0)s, 1 WHERE %(limit0)s > 0
    ON CONFLICT (bucket, window_start) DO UPDATE SET hits = feedback_ratewindow.hits + 1
    RETURNING hits
), counted_second AS (
    INSERT INTO feedback_ratewindow (bucket, window_start, hits)
    SELECT %(bucket1)s, %(start1)s, 1
    WHERE %(limit1)s > 0 AND coalesce((SELECT hits FROM counted_first) <= %(limit0)s, true)
    ON CONFLICT (bucket, window_start) DO UPDATE SET hits = feedback_ratewindow.hits + 1
    RETURNING hits
)
SELECT (SELECT hits FROM counted_first), (SELECT hits FROM counted_second)
"""


def windows() -> list[tuple[timedelta, int]]:
    """The windows and their limits for anonymous submissions (0 switches one off)."""
    options = settings.COMMONMAP
    return [
        (timedelta(minutes=1), options["FEEDBACK_ANON_PER_MINUTE"]),
        (timedelta(hours=1), options["FEEDBACK_ANON_PER_HOUR"]),
    ]


def hit(client: str, action: str = "submit", now=None) -> None:
    """Count one request of ``client``; TooManyRequests (429, Retry-After) past a limit.
    One statement (one round trip) counts every window and now and then sweeps old ones."""
    now = now or timezone.now()
    params = {"sweep": secrets.randbelow(100) == 0, "old": now - timedelta(days=1)}
    starts = []
    for n, (length, limit) in enumerate(windows()):  # the minute's, then the hour's
        seconds = int(length.total_seconds())
        start = now - timedelta(seconds=now.timestamp() % seconds)
        starts.append(start)
        params.update(
            {f"bucket{n}": f"{action}:{seconds}:{client}", f"start{n}": start, f"limit{n}": limit}
        )
    with connection.cursor() as cursor:
        cursor.execute(HIT_SQL, params)
        counted = cursor.fetchone()
    for (length, limit), start, hits in zip(windows(), starts, counted, strict=True):
        if hits is not None and hits > limit:
            retry = max(1, math.ceil((start + length - now).total_seconds()))
            raise TooManyRequests(
                _(
                    "Too many reports from this connection: at most {limit} per {period}. "
                    "Try again in {seconds} seconds, or sign in."
                ).format(limit=limit, period=_period(length), seconds=retry),
                headers={"Retry-After": str(retry)},
            )


def _period(length: timedelta) -> str:
    return _("minute") if length <= timedelta(minutes=1) else _("hour")
