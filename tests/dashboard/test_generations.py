"""Old wards on request, rollups to the former districts and provinces, one city total."""

import pytest

from dashboard.groups import generation_named, leaves_of
from dashboard.measures import MEASURES, compute
from dashboard.periods import parse_period

pytestmark = pytest.mark.django_db


def _board(period: str, level: str = "ward", generation: str | None = None):
    return compute(parse_period(period), generation_named(generation), level)


def _by_code(board) -> dict:
    return {row.code: row for row in board.rows}


def test_old_generation_places_items_in_the_old_wards(items):
    rows = _by_code(_board("2026-03", generation="thu-cu"))
    assert set(rows) == {"80101", "80102", "80201", None}
    assert rows["80101"].received == 2  # A, B
    assert rows["80102"].received == 1  # C (106.615: inside old ward 80102)
    assert (rows["80201"].resolved, rows["80201"].reopened) == (1, 1)  # D


@pytest.mark.parametrize("period", ["2025-03", "2026-03", "2026"])
@pytest.mark.parametrize("level", ["ward", "district", "province", "city"])
def test_both_generations_give_the_same_city_total(items, period, level):
    today = _board(period, level)
    former = _board(period, level, "thu-cu")
    assert today.total.measures() == former.total.measures()


def test_rows_of_every_level_sum_to_the_city_total(items):
    for level in ("ward", "district", "province"):
        board = _board("2026-Q1", level)
        for name in ("received", "resolved", "open_now", "overdue_now", "reopened"):
            assert sum(getattr(r, name) for r in board.rows) == getattr(board.total, name)


def test_todays_ward_rolls_up_to_the_former_district_holding_its_centre(city):
    leaves = {leaf.code: leaf for leaf in leaves_of(generation_named(None))}
    # 81002 reaches into former West (801) but its centre (x 106.6275) is in East.
    assert leaves["81001"].district.code == "801"
    assert leaves["81002"].district.code == "802"
    assert {leaf.province.code for leaf in leaves.values()} == {"80"}


def test_an_item_before_the_reform_rolls_up_differently_by_generation(items):
    today = _by_code(_board("2025-03", "district"))
    former = _by_code(_board("2025-03", "district", "thu-cu"))
    assert (today["801"].received, today["802"].received) == (0, 1)  # E: 81002 -> East
    assert (former["801"].received, former["802"].received) == (1, 0)  # E: 80102 -> West


def test_former_districts_and_provinces_by_hand(items):
    districts = _by_code(_board("2026-03", "district"))
    assert (districts["801"].received, districts["801"].resolved) == (3, 2)
    assert districts["802"].reopened == 1
    province = _by_code(_board("2026-03", "province"))["80"]
    assert (province.received, province.resolved, province.median_hours) == (3, 3, 120.0)


def test_city_level_is_one_row_with_every_item(items):
    board = _board("2026-03", "city")
    assert len(board.rows) == 1
    assert board.rows[0].measures() == board.total.measures()
    assert set(board.total.measures()) == set(MEASURES)
