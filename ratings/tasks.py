"""The ratings' scheduled job (``maintenance`` queue): when a rating period begins, the
cached "ward_satisfaction" tiles still paint the period just ended, and no write to the
ratings has forgotten them yet; the first hourly run of the new period does."""

from datetime import UTC, datetime, timedelta

from procrastinate.contrib.django import app

from ratings.layer import SLUG
from ratings.periods import current_period
from tiles.cache import clear


def forget_tiles_at_period_start(now: datetime) -> int:
    """Forget the layer's cached tiles if a period began in the hour before ``now``; how
    many tiles."""
    if current_period(now) == current_period(now - timedelta(hours=1)):
        return 0
    return clear(SLUG)


@app.periodic(cron="0 * * * *", periodic_id="forget_satisfaction_tiles")
@app.task(name="ratings.forget_satisfaction_tiles", queue="maintenance")
def forget_satisfaction_tiles(timestamp: int) -> int:
    """Hourly: at the start of a rating period, forget the ward_satisfaction tiles."""
    return forget_tiles_at_period_start(datetime.fromtimestamp(timestamp, tz=UTC))
