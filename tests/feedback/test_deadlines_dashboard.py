"""The dashboard's "overdue now" leaves out items waiting for the resident (their clock is
paused), from the facts and from the raw rows alike, on the small city of
tests/dashboard/conftest.py."""

import pytest

from dashboard.groups import generation_named
from dashboard.measures import compute, compute_raw
from dashboard.periods import Period, parse_period
from feedback.models import FeedbackCategory
from tests.dashboard.conftest import at, city, make_item  # noqa: F401 (city: a fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def late_items(city):  # noqa: F811
    """Two items of ward 81001 past their deadline (03-22 10:00) at the end of March: G in
    progress, H waiting for the resident since 03-23."""
    category = FeedbackCategory.objects.create(
        code="thu-cho", name_vi="Thử", name_en="Test", deadline_amount=48
    )
    common = {"category": category, "ward": city["81001"]}
    accepted = (at(2026, 3, 21, 9), "received", "accepted")
    return {
        "G": make_item(
            "TG",
            106.605,
            at(2026, 3, 20, 10),
            status="in_progress",
            steps=[accepted, (at(2026, 3, 23, 9), "accepted", "in_progress")],
            **common,
        ),
        "H": make_item(
            "TH",
            106.606,
            at(2026, 3, 20, 10),
            status="awaiting_info",
            paused_at=at(2026, 3, 23, 9),
            steps=[accepted, (at(2026, 3, 23, 9), "accepted", "awaiting_info")],
            **common,
        ),
    }


@pytest.mark.parametrize("run", [compute, compute_raw], ids=["facts", "raw"])
def test_a_paused_item_is_open_but_not_overdue(late_items, run):
    board = run(parse_period("2026-03"), generation_named(None), "ward")
    (ward,) = [row for row in board.rows if row.code == "81001"]
    assert (ward.open_now, ward.overdue_now) == (2, 1)  # G and H open; G overdue


@pytest.mark.parametrize("run", [compute, compute_raw], ids=["facts", "raw"])
def test_before_the_pause_it_was_overdue(late_items, run):
    # On 03-22 11:00 both were open past the 10:00 deadline; H was paused only on 03-23.
    period = Period("thu", at(2026, 3, 1), at(2026, 3, 22, 11))
    board = run(period, generation_named(None), "ward")
    (ward,) = [row for row in board.rows if row.code == "81001"]
    assert (ward.open_now, ward.overdue_now) == (2, 2)
