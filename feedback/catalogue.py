"""The feedback catalogue, kept in each process and checked, not re-read, on every report.

Intake needs a report's category before it writes (the deadline is counted from its unit,
the repeat window from its days), and the answer shows its names: reading the table on
every report is a query per report. Each process keeps the active categories with a
version of each row (``md5`` of the row's text); the statement that writes the report
(``sql/submit_report.sql``) writes only when the category's row still has that version, so
a change made in any process (the admin, another gunicorn worker) is noticed by the next
report that uses it, which reloads the catalogue and tries again. A code this process
does not know is looked up again before it is refused: a category added elsewhere is
taken at once.
"""

import threading
from copy import copy
from dataclasses import dataclass

from django.db import connection
from django.db.models.signals import post_delete, post_save

from feedback.models import FeedbackCategory

# Every active category with its row's version; the version is computed by PostgreSQL
# from the row as stored, exactly as the writing statement computes it.
CATALOGUE_SQL = """
SELECT c.*, md5(c::text) AS row_version
FROM feedback_feedbackcategory AS c
WHERE c.is_active
"""


@dataclass(frozen=True)
class Entry:
    """A category as this process knows it, and the version of its row it was read at."""

    category: FeedbackCategory
    version: str


_lock = threading.Lock()
_entries: dict[str, dict[str, Entry] | None] = {"by_code": None}


def _load() -> dict[str, Entry]:
    with connection.cursor() as cursor:
        cursor.execute(CATALOGUE_SQL)
        names = [column.name for column in cursor.description]
        rows = cursor.fetchall()
    attnames = [f.attname for f in FeedbackCategory._meta.concrete_fields]
    loaded = {}
    for row in rows:
        values = dict(zip(names, row, strict=True))
        category = FeedbackCategory.from_db(
            connection.alias, attnames, [values[name] for name in attnames]
        )
        loaded[category.code] = Entry(category, values["row_version"])
    return loaded


def entry(code: str, *, reload: bool = False) -> Entry | None:
    """The active category ``code`` (a copy, free to use) with its row's version; None
    when no active category has that code (after reading the table once more)."""
    with _lock:
        known = _entries["by_code"]
    if reload or known is None or code not in known:
        known = _load()
        with _lock:
            _entries["by_code"] = known
    found = known.get(code)
    return None if found is None else Entry(copy(found.category), found.version)


def forget(**kwargs) -> None:
    """Drop this process's catalogue (the next report reads it again)."""
    with _lock:
        _entries["by_code"] = None


# A change made in this process is known at once; other processes find out from the
# version check of their next report.
post_save.connect(forget, sender=FeedbackCategory, dispatch_uid="feedback.catalogue.saved")
post_delete.connect(forget, sender=FeedbackCategory, dispatch_uid="feedback.catalogue.deleted")
