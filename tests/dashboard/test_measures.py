"""Every measure computed by hand on the small city of conftest.py (see its table)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dashboard.groups import generation_named
from dashboard.measures import compute
from dashboard.periods import parse_period
from tests.dashboard.conftest import at

pytestmark = pytest.mark.django_db


def _board(period: str, level: str = "ward", generation: str | None = None):
    return compute(parse_period(period), generation_named(generation), level)


def _by_code(board) -> dict:
    return {row.code: row for row in board.rows}


def test_ward_measures_of_march_by_hand(items):
    rows = _by_code(_board("2026-03"))
    west = rows["81001"]  # A, B, and C on the border (lower code)
    assert (west.received, west.resolved, west.resolved_on_time) == (3, 2, 1)
    assert west.on_time_pct == 50.0
    assert west.median_hours == 72.0  # (24 + 120) / 2
    assert west.p90_hours == 110.4  # 24 + 0.9 * (120 - 24)
    assert (west.open_now, west.overdue_now) == (1, 1)  # C, past its deadline on 03-22
    assert west.reopened == 0
    assert (west.ratings, west.mean_rating) == (2, 3.0)


def test_reopened_item_counts_once_resolved_in_the_period_of_its_last_resolution(items):
    east = _by_code(_board("2026-03"))["81002"]
    assert (east.received, east.resolved, east.resolved_on_time, east.on_time_pct) == (
        0,
        1,
        0,
        0.0,
    )
    assert (east.median_hours, east.p90_hours) == (300.0, 300.0)  # 02-20 00:00 to 03-04 12:00
    assert east.reopened == 1
    assert (east.open_now, east.overdue_now, east.ratings, east.mean_rating) == (0, 0, 0, None)


def test_resolution_counts_in_the_month_of_the_latest_resolution_not_the_first(items):
    east = _by_code(_board("2026-02"))["81002"]
    assert (east.received, east.resolved, east.reopened) == (1, 0, 0)
    assert (east.open_now, east.overdue_now) == (0, 0)  # resolved on 02-25, as at 03-01


def test_open_at_the_end_of_a_past_period_is_read_from_the_event_log(items):
    # C is resolved today, but at the end of March its last event was "received".
    assert items["C"].status == "resolved"
    west = _by_code(_board("2026-03"))["81001"]
    assert west.open_now == 1
    april = _by_code(_board("2026-04"))["81001"]
    assert (april.open_now, april.resolved, april.received) == (0, 1, 0)


def test_an_item_outside_every_ward_is_a_row_of_its_own(items):
    board = _board("2026-03")
    outside = board.rows[-1]
    assert outside.code is None
    assert (outside.received, outside.open_now, outside.overdue_now) == (1, 1, 1)


def test_city_total_of_march_by_hand(items):
    total = _board("2026-03").total
    assert (total.received, total.resolved, total.resolved_on_time) == (4, 3, 1)
    assert total.on_time_pct == 33.3
    assert total.median_hours == 120.0
    assert total.p90_hours == 264.0  # 120 + 0.8 * (300 - 120)
    assert (total.open_now, total.overdue_now, total.reopened) == (2, 2, 1)
    assert (total.ratings, total.mean_rating) == (2, 3.0)


def test_item_from_before_the_reform_counts_in_todays_ward(items):
    rows = _by_code(_board("2025-03"))
    assert rows["81002"].received == 1 and rows["81002"].resolved == 1
    assert rows["81002"].median_hours == 24.0
    assert rows["81001"].received == 0


def test_a_period_with_no_data_has_every_ward_with_zeros_and_no_averages(items):
    board = _board("2024-06")  # before any item was created
    assert [row.code for row in board.rows] == ["81001", "81002"]
    for row in [*board.rows, board.total]:
        counts = (row.received, row.resolved, row.open_now, row.overdue_now, row.reopened)
        assert counts == (0, 0, 0, 0, 0)
        assert (row.on_time_pct, row.median_hours, row.p90_hours, row.mean_rating) == (
            None,
            None,
            None,
            None,
        )


def test_a_quiet_month_still_counts_what_is_open_at_its_end(items):
    board = _board("2026-06")
    assert board.total.received == 0
    assert (board.rows[-1].code, board.rows[-1].open_now) == (None, 1)  # F, at sea


def test_quarter_and_year_sum_their_months(items):
    quarter = _board("2026-Q1").total
    year = _board("2026").total
    assert (quarter.received, quarter.resolved, quarter.reopened) == (5, 3, 1)
    assert (year.received, year.resolved) == (5, 4)  # + C resolved in April


def test_the_current_period_reads_open_and_overdue_now(items):
    board = _board(timezone.localdate().strftime("%Y-%m"))
    assert abs(board.as_of - timezone.now()) < timedelta(minutes=1)
    assert (board.total.open_now, board.total.overdue_now) == (1, 1)  # F
    past = _board("2026-03")
    assert past.as_of == at(2026, 4, 1)
