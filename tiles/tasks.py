"""The tiles app's scheduled job (``maintenance`` queue), every minute: the cell deltas the
feedback layer's triggers append are folded into the point pyramid (tiles/cell_deltas.py),
so a low-zoom tile reads its compacted cells plus a minute's reports at most."""

from procrastinate.contrib.django import app

from tiles import cell_deltas


@app.periodic(cron="* * * * *", periodic_id="compact_cell_deltas")
@app.task(
    name="tiles.compact_cell_deltas", queue="maintenance", queueing_lock="compact_cell_deltas"
)
def compact_cell_deltas(timestamp: int) -> int:
    """Fold the pending cell deltas into the pyramid; how many cells changed."""
    return cell_deltas.compact()
