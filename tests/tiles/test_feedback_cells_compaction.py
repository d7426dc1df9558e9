"""The compaction of the feedback layer's cell deltas under real concurrency (sessions of
their own, committed data): a report committed or in flight while it runs, and two runs at
once, leave every cell counted exactly once."""

import threading
import time

import pytest
from django.db import connection

from feedback.models import FeedbackItem
from tests.sessions import other_session
from tests.tiles.feedback_cells import cells, counted_from_public_points, item_at, ward_and_point
from tiles import cell_deltas
from tiles.pyramid import DROP_EMPTY_SQL

pytestmark = pytest.mark.django_db

CODES = ("FK1", "FK2", "FK3")


@pytest.fixture
def report(committed):
    """Commit a report (by tracking code) near a ward's centre; all are deleted afterwards
    and their deltas compacted, so the pyramid is as it was."""
    ward, (lon, lat) = ward_and_point()

    def make(code: str, offset: float = 0.0) -> None:
        committed(lambda: item_at(code, lon + offset, lat, ward, "den-duong"))

    yield make
    committed(lambda: FeedbackItem.objects.filter(tracking_code__in=CODES).delete())
    committed(cell_deltas.compact)


def test_a_report_committed_during_compaction_stays_pending_and_counts_once(report, committed):
    report("FK1")
    compactor = other_session()
    try:
        compactor.execute(cell_deltas.COMPACT_SQL)  # FK1's deltas moved, not yet committed
        report("FK2", 0.01)  # inserts only: it does not wait for the compaction
        compactor.execute(DROP_EMPTY_SQL)
        compactor.commit()
    finally:
        compactor.close()
    assert cell_deltas.pending() == 3  # FK2: its total, category and status
    assert cells() == counted_from_public_points()
    committed(cell_deltas.compact)
    assert cell_deltas.pending() == 0
    assert cells() == counted_from_public_points()


def test_a_report_in_flight_during_compaction_is_kept_for_the_next_one(report, committed):
    report("FK1")
    reporter, compactor = other_session(), other_session()
    try:
        with reporter.cursor() as cursor:
            cursor.execute(
                "SELECT string_agg(quote_ident(column_name), ', ') "
                "FROM information_schema.columns WHERE table_name = 'feedback_feedbackitem' "
                "AND column_name NOT IN ('id', 'tracking_code', 'public_geom')"
            )
            columns = cursor.fetchone()[0]
            # A copy of FK1, 0.01° east, written but not committed while the compaction runs.
            cursor.execute(
                f"INSERT INTO feedback_feedbackitem (tracking_code, {columns}) "
                f"SELECT 'FK3', {columns} FROM feedback_feedbackitem WHERE tracking_code = 'FK1'"
            )
            cursor.execute(
                "UPDATE feedback_feedbackitem SET geom = ST_Translate(geom, 0.01, 0) "
                "WHERE tracking_code = 'FK3'"
            )
        compactor.execute(cell_deltas.COMPACT_SQL)
        compactor.execute(DROP_EMPTY_SQL)
        compactor.commit()
        reporter.commit()
    finally:
        reporter.close()
        compactor.close()
    assert cells() == counted_from_public_points()
    assert FeedbackItem.objects.filter(tracking_code="FK3").exists()
    assert cell_deltas.pending() > 0
    committed(cell_deltas.compact)
    assert cells() == counted_from_public_points()


def test_two_compactions_at_once_fold_each_delta_once(report):
    report("FK1")
    report("FK2", 0.02)
    first, second = other_session(), other_session()
    second_pid = second.info.backend_pid
    try:
        first.execute(cell_deltas.COMPACT_SQL)
        done = threading.Event()

        def run_second() -> None:
            second.execute(cell_deltas.COMPACT_SQL)
            second.execute(DROP_EMPTY_SQL)
            second.commit()
            done.set()

        thread = threading.Thread(target=run_second)
        thread.start()
        # The second run waits for the rows the first one deleted.
        for _ in range(200):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [second_pid]
                )
                if cursor.fetchone()[0] == "Lock":
                    break
            time.sleep(0.05)
        assert not done.is_set()
        first.execute(DROP_EMPTY_SQL)
        first.commit()
        thread.join(timeout=30)
        assert done.is_set()
    finally:
        first.close()
        second.close()
    assert cell_deltas.pending() == 0
    assert cells() == counted_from_public_points()
