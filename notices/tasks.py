"""The notices' scheduled job (``maintenance`` queue): the sweep ``manage.py sweep_notices``
runs, every five minutes, so the tiles of ended notices are forgotten without a cron."""

from procrastinate.contrib.django import app

from notices.services import sweep_ended


@app.periodic(cron="*/5 * * * *", periodic_id="sweep_notices")
@app.task(name="notices.sweep_notices", queue="maintenance")
def sweep_notices(timestamp: int) -> int:
    """Mark the published notices that have ended; how many."""
    return sweep_ended()
