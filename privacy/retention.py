"""Retention: a reporter's personal data is kept for the category's ``retention_days``
(else ``COMMONMAP["RETENTION_DAYS"]``) after the item is done, then erased
(``privacy.services.apply_retention``, run daily by ``privacy.tasks``)."""

from datetime import datetime

from django.conf import settings
from django.db import connection

from core.sql_files import load_sql
from feedback.models import Status
from feedback.workflow import REOPEN_WINDOW

DONE_STATUSES = [Status.CLOSED, Status.REJECTED, Status.MERGED]


def default_days() -> int:
    """Days personal data is kept when the category says nothing."""
    return int(settings.COMMONMAP["RETENTION_DAYS"])


def items_due(now: datetime) -> list[int]:
    """Ids of the items whose personal data is due for erasure at ``now``."""
    with connection.cursor() as cursor:
        cursor.execute(
            load_sql("privacy", "retention_due"),
            {
                "now": now,
                "default_days": default_days(),
                "done_statuses": [str(s) for s in DONE_STATUSES],
                "resolved": str(Status.RESOLVED),
                "reopen_window": REOPEN_WINDOW,
            },
        )
        return [row[0] for row in cursor.fetchall()]
