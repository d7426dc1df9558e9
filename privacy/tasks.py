"""The retention run as a periodic job of the task queue (procrastinate): daily, on the
"maintenance" queue, at 02:30 in Hồ Chí Minh City (19:30 UTC)."""

from datetime import UTC, datetime

from procrastinate.contrib.django import app

from privacy import services

QUEUE = "maintenance"


@app.periodic(cron="30 19 * * *", periodic_id="privacy-retention")
@app.task(name="privacy.apply_retention", queue=QUEUE, queueing_lock="privacy-retention")
def apply_retention(timestamp: int) -> int:
    """Erase the personal data past its retention at the scheduled time; how many items."""
    return len(services.apply_retention(datetime.fromtimestamp(timestamp, tz=UTC)))
