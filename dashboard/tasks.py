"""The dashboard's scheduled job (``maintenance`` queue): the recent open deltas
(``sql/open_deltas.sql``) are needed only for "open now" in today's city day, so those older
than two days are removed every hour; the per-day deltas keep every count."""

from django.db import connection
from procrastinate.contrib.django import app

PRUNE = "DELETE FROM dashboard_opendelta_recent WHERE at < now() - interval '2 days'"


def prune_recent_deltas() -> int:
    """Remove the recent deltas older than two days; how many."""
    with connection.cursor() as cursor:
        cursor.execute(PRUNE)
        return cursor.rowcount


@app.periodic(cron="17 * * * *", periodic_id="prune_open_deltas")
@app.task(name="dashboard.prune_open_deltas", queue="maintenance")
def prune_open_deltas(timestamp: int) -> int:
    """The hourly prune."""
    return prune_recent_deltas()
