"""The open deltas (dashboard/sql/open_deltas.sql) kept by triggers equal the deltas built
again from the facts after writes, count items open now (today's recent deltas), and the
hourly prune keeps what "open now" needs."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from dashboard.groups import generation_named
from dashboard.measures import compute, compute_raw
from dashboard.periods import parse_period
from dashboard.tasks import prune_recent_deltas
from feedback.models import FeedbackItem
from tests.dashboard.conftest import at, make_item
from tests.dashboard.test_facts import assert_facts_agree, event

pytestmark = pytest.mark.django_db

PER_DAY = """
SELECT generation_id, area_id, day, sum(open_delta), sum(overdue_delta)
FROM dashboard_opendelta GROUP BY 1, 2, 3
HAVING sum(open_delta) <> 0 OR sum(overdue_delta) <> 0 ORDER BY 1, 2, 3
"""
RECENT = """
SELECT generation_id, area_id, at, sum(open_delta), sum(overdue_delta)
FROM dashboard_opendelta_recent GROUP BY 1, 2, 3
HAVING sum(open_delta) <> 0 OR sum(overdue_delta) <> 0 ORDER BY 1, 2, 3
"""


def _deltas() -> tuple[list, list]:
    with connection.cursor() as cursor:
        cursor.execute(PER_DAY)
        per_day = cursor.fetchall()
        cursor.execute(RECENT)
        return per_day, cursor.fetchall()


def _rebuilt() -> tuple[list, list]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT dashboard_opendelta_rebuild()")
    return _deltas()


def test_kept_deltas_equal_rebuilt_ones_after_writes(items):
    event(items["B"], at(2026, 3, 9), "resolved", "in_progress")  # a reopening
    FeedbackItem.objects.filter(pk=items["B"].pk).update(status="in_progress", resolved_at=None)
    event(items["A"], at(2026, 3, 10), "received", "awaiting_info")  # a pause
    FeedbackItem.objects.filter(pk=items["F"].pk).delete()
    kept = _deltas()
    assert kept[0], "the fixture's open items give deltas"
    assert kept == _rebuilt()


def test_an_item_received_now_is_open_now_then_resolved(items):
    now = timezone.now()
    ward = items["A"].ward
    item = make_item(
        "TNOW",
        106.61,
        now - timedelta(minutes=5),
        category=items["A"].category,
        ward=ward,
        deadline_at=now - timedelta(minutes=1),
    )

    def open_and_overdue() -> tuple[int, int]:
        board = compute(parse_period(None), generation_named(None), "ward")
        row = next(r for r in board.rows if r.code == ward.code)
        return row.open_now, row.overdue_now

    before = open_and_overdue()
    assert before[0] >= 1 and before[1] >= 1
    assert _deltas()[1], "today's deltas are among the recent ones"
    event(item, now - timedelta(seconds=30), "received", "resolved")
    FeedbackItem.objects.filter(pk=item.pk).update(status="resolved", resolved_at=now)
    assert open_and_overdue() == (before[0] - 1, before[1] - 1)
    assert_facts_agree()


def test_the_prune_keeps_the_last_two_days(items):
    now = timezone.now()
    make_item(
        "TNEW", 106.61, now - timedelta(hours=1), category=items["A"].category, ward=items["A"].ward
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO dashboard_opendelta_recent VALUES (1, 0, %s, 1, 0)",
            [now - timedelta(days=3)],
        )
    assert prune_recent_deltas() == 1
    board = compute(parse_period(None), generation_named(None), "ward")
    raw = compute_raw(parse_period(None), generation_named(None), "ward")
    assert [r.open_now for r in board.rows] == [r.open_now for r in raw.rows]
