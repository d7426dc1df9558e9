"""Residents' verification and repeats, by hand on the small city of conftest.py.

Verdicts: A's resolution (03-03) confirmed twice (its reporter and a merged reporter: one
resolution); D's first resolution (02-25) disputed (it was reopened on 03-01), its second
(03-04) confirmed; C confirmed on a resolution of 03-25 that no longer stands (C was
resolved again on 04-10): not counted. B has no verdict. Repeat: R, created 2026-03-20 in
81001, repeats D (in 81002), so it counts in 81002.

    March 2026   resolved  confirmed  disputed  rate   repeats
    81001        2 (A, B)  1          0         50.0   0
    81002        1 (D)     1          0         100.0  1
    February     81002: resolved 0 (D's latest resolution is in March), disputed 1: 100.0
"""

import pytest

from dashboard.groups import generation_named
from dashboard.measures import compute, compute_raw
from dashboard.periods import parse_period
from dashboard.shapes import as_csv, as_json
from feedback.models import FeedbackVerification
from tests.dashboard.conftest import at, make_item

pytestmark = pytest.mark.django_db


def _verdict(item, via, resolved_at, verdict="confirmed", reason=""):
    FeedbackVerification.objects.create(
        item=item, via_item=via, resolved_at=resolved_at, verdict=verdict, reason=reason
    )


@pytest.fixture
def verified(items, city):
    """The verdicts and the repeat of the module docstring."""
    a, b, c, d = items["A"], items["B"], items["C"], items["D"]
    _verdict(a, a, a.resolved_at)
    _verdict(a, b, a.resolved_at)
    _verdict(d, d, at(2026, 2, 25), "disputed", "Vẫn hỏng")
    _verdict(d, d, d.resolved_at)
    _verdict(c, c, at(2026, 3, 25))
    make_item("TR", 106.6052, at(2026, 3, 20), category=a.category, ward=city["81001"], repeat_of=d)
    return items


def _values(row) -> tuple:
    return (row.resolved, row.confirmed, row.disputed, row.verification_rate, row.repeats)


def _board(period: str, level: str = "ward", generation: str | None = None, run=compute):
    return run(parse_period(period), generation_named(generation), level)


def _by_code(board) -> dict:
    return {row.code: _values(row) for row in board.rows}


def test_a_month_per_ward_and_the_city(verified):
    board = _board("2026-03")
    assert _by_code(board) == {
        "81001": (2, 1, 0, 50.0, 0),
        "81002": (1, 1, 0, 100.0, 1),
        None: (0, 0, 0, None, 0),  # F, at sea
    }
    assert _values(board.total) == (3, 2, 0, 66.7, 1)


def test_a_dispute_counts_in_the_month_of_the_resolution_it_undid(verified):
    board = _board("2026-02")
    assert _by_code(board)["81002"] == (0, 0, 1, 100.0, 0)
    assert _by_code(board)["81001"] == (0, 0, 0, None, 0)


def test_a_quarter_and_its_rollups(verified):
    assert _values(_board("2026-Q1").total) == (3, 2, 1, 75.0, 1)
    districts = _by_code(_board("2026-03", "district"))
    assert districts == {
        "801": (2, 1, 0, 50.0, 0),
        "802": (1, 1, 0, 100.0, 1),
        None: districts[None],
    }


def test_the_former_wards_count_the_same_verdicts(verified):
    board = _board("2026-03", generation="thu-cu")
    found = _by_code(board)
    assert (found["80101"], found["80201"]) == ((2, 1, 0, 50.0, 0), (1, 1, 0, 100.0, 1))
    assert _values(board.total) == (3, 2, 0, 66.7, 1)


def test_the_fast_path_agrees_with_the_raw_rows(verified):
    for period in ("2026-02", "2026-03", "2026-04", "2026-Q1", "2026"):
        for level in ("ward", "district", "city"):
            for generation in ("thu-moi", "thu-cu"):
                fast = _board(period, level, generation)
                raw = _board(period, level, generation, run=compute_raw)
                assert [_values(r) for r in fast.rows] == [_values(r) for r in raw.rows]
                assert _values(fast.total) == _values(raw.total)


def test_leaders_csv_has_the_columns_and_the_public_does_not(verified):
    board = _board("2026-03")
    header = as_csv(board, False, "x").content.decode().splitlines()[0].split(",")
    assert header[-4:] == ["confirmed", "disputed", "verification_rate", "repeats"]
    public = as_json(board, True)
    assert "confirmed" not in public["results"][0] and "repeats" not in public["total"]
