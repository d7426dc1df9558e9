"""The dashboard's scheduled job (``maintenance`` queue), every hour: the recent open deltas
(``sql/open_deltas.sql``) are needed only for "open now" in today's city day, so those older
than two days are removed (the per-day deltas keep every count); and the rows the triggers
append to the open deltas, day flows and per-month resolutions are merged, one per key
(``sql/compact_sums.sql``), so a period keeps reading a few thousand rows."""

from django.db import connection
from procrastinate.contrib.django import app

from core.sql_files import load_sql

PRUNE = "DELETE FROM dashboard_opendelta_recent WHERE at < now() - interval '2 days'"


def prune_recent_deltas() -> int:
    """Remove the recent deltas older than two days; how many."""
    with connection.cursor() as cursor:
        cursor.execute(PRUNE)
        return cursor.rowcount


def compact_sums() -> None:
    """Merge the appended rows of the open deltas, day flows and per-month resolutions."""
    with connection.cursor() as cursor:
        cursor.execute(load_sql("dashboard", "compact_sums"))


@app.periodic(cron="17 * * * *", periodic_id="prune_open_deltas")
@app.task(name="dashboard.prune_open_deltas", queue="maintenance")
def prune_open_deltas(timestamp: int) -> int:
    """The hourly prune and merge; how many recent deltas were removed."""
    pruned = prune_recent_deltas()
    compact_sums()
    return pruned
