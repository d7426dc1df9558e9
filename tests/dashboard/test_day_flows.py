"""The day flows and per-month resolutions (dashboard/sql/day_flows.sql) kept by triggers
equal those rebuilt from the facts after writes, and the measures read from them
(received, ratings, reopened, resolved, exact percentiles: dashboard/percentiles.py) equal
the raw computation, also for reopenings counted once per period, events dated before
their item, many resolutions across buckets and spans that are not whole days."""

from dataclasses import asdict
from datetime import timedelta

import pytest
from django.contrib.gis.geos import Polygon
from django.db import connection

from dashboard.groups import generation_named
from dashboard.measures import compute, compute_raw
from dashboard.periods import Period, parse_period
from dashboard.tasks import compact_sums
from feedback.models import FeedbackItem
from layers import boundaries
from layers.boundaries import AreaInput
from tests.dashboard.conftest import at, make_item
from tests.dashboard.test_facts import assert_facts_agree, event

pytestmark = pytest.mark.django_db

DAY_FLOWS = """
SELECT generation_id, day, area_id, sum(received), sum(ratings), sum(rating_sum),
       sum(reopened_month), sum(reopened_quarter), sum(reopened_year)
FROM dashboard_dayflow GROUP BY 1, 2, 3
HAVING sum(received) <> 0 OR sum(ratings) <> 0 OR sum(rating_sum) <> 0
    OR sum(reopened_month) <> 0 OR sum(reopened_quarter) <> 0 OR sum(reopened_year) <> 0
ORDER BY 1, 2, 3
"""
RESOLUTIONS = """
SELECT generation_id, month, area_id, bucket, sum(resolved), sum(on_time)
FROM dashboard_resolutionflow GROUP BY 1, 2, 3, 4
HAVING sum(resolved) <> 0 OR sum(on_time) <> 0 ORDER BY 1, 2, 3, 4
"""
MORE_THAN_ONE_ROW = """
SELECT (SELECT count(*) FROM (SELECT 1 FROM dashboard_opendelta
                              GROUP BY generation_id, area_id, day HAVING count(*) > 1) AS o)
     + (SELECT count(*) FROM (SELECT 1 FROM dashboard_dayflow
                              GROUP BY generation_id, day, area_id HAVING count(*) > 1) AS d)
     + (SELECT count(*) FROM (SELECT 1 FROM dashboard_resolutionflow
                              GROUP BY generation_id, month, area_id, bucket
                              HAVING count(*) > 1) AS r)
"""
OPEN_DELTAS = """
SELECT generation_id, area_id, day, sum(open_delta), sum(overdue_delta)
FROM dashboard_opendelta GROUP BY 1, 2, 3
HAVING sum(open_delta) <> 0 OR sum(overdue_delta) <> 0 ORDER BY 1, 2, 3
"""
LEVELS = ("ward", "district", "province", "city")


def _kept() -> tuple[list, list]:
    with connection.cursor() as cursor:
        cursor.execute(DAY_FLOWS)
        flows = cursor.fetchall()
        cursor.execute(RESOLUTIONS)
        return flows, cursor.fetchall()


def _rebuilt() -> tuple[list, list]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT dashboard_dayflow_rebuild()")
    return _kept()


def assert_same(*periods: Period) -> None:
    """These periods, every level and both generations: the fast path equals the raw."""
    for slug in ("thu-moi", "thu-cu"):
        generation = generation_named(slug)
        for period in periods:
            for level in LEVELS:
                fast = compute(period, generation, level)
                raw = compute_raw(period, generation, level)
                rows = [asdict(r) for r in [*fast.rows, fast.total]]
                assert rows == [asdict(r) for r in [*raw.rows, raw.total]], (
                    slug,
                    period.name,
                    level,
                )


def _periods(*names: str) -> list[Period]:
    return [parse_period(name) for name in names]


def test_kept_flows_equal_rebuilt_ones_after_writes(items):
    event(items["B"], at(2026, 3, 20), "resolved", "in_progress")  # a reopening
    FeedbackItem.objects.filter(pk=items["B"].pk).update(status="in_progress", resolved_at=None)
    FeedbackItem.objects.filter(pk=items["F"].pk).update(
        resolved_at=at(2026, 3, 9), rating=3, rated_at=at(2026, 3, 10)
    )
    items["A"].delete()
    kept = _kept()
    assert kept[0] and kept[1], "the fixture's items give flows and resolutions"
    assert kept == _rebuilt()


def test_kept_flows_follow_a_boundary_import(city, items):
    new = generation_named("thu-moi")

    def area(code, west, east):
        box = Polygon.from_bbox((west, 10.6, east, 10.62))
        return AreaInput(code, code, "phuong", "ward", "81", box, box.centroid)

    city_box = Polygon.from_bbox((106.6, 10.6, 106.64, 10.62))
    boundaries.store_areas(
        new,
        [
            AreaInput("81", "Thành phố Thử", "thanh_pho", "province", None, city_box, None),
            area("81001", 106.6, 106.62),
            area("81002", 106.62, 106.64),
        ],
    )
    assert _kept() == _rebuilt()
    assert_same(*_periods("2025-03", "2025-Q1", "2026-03", "2026"))


def test_an_item_reopened_twice_counts_once_per_period(items):
    item = items["B"]  # resolved 03-15
    event(item, at(2026, 3, 18), "resolved", "in_progress")
    event(item, at(2026, 3, 19), "in_progress", "resolved")
    event(item, at(2026, 3, 25), "resolved", "in_progress")
    event(item, at(2026, 4, 2), "in_progress", "resolved")
    event(item, at(2026, 4, 3), "resolved", "in_progress")
    FeedbackItem.objects.filter(pk=item.pk).update(status="in_progress", resolved_at=None)
    generation = generation_named(None)

    def reopened(name: str) -> int:
        board = compute(parse_period(name), generation, "ward")
        return next(r.reopened for r in board.rows if r.code == "81001")

    # Reopened twice in March, once in April: once in each month, quarter and the year.
    names = ("2026-03", "2026-04", "2026-Q1", "2026-Q2", "2026")
    assert [reopened(name) for name in names] == [1, 1, 1, 1, 1]
    assert_same(*_periods(*names))
    assert _kept() == _rebuilt()


def test_ratings_and_resolutions_dated_before_their_item(items):
    """Not through the workflow, but the raw rows allow it: an item created in April,
    resolved and rated in March, counts in neither March measure (created after the
    period), in the raw computation and the fast path alike."""
    category = items["A"].category
    make_item(
        "TEARLY",
        106.605,
        at(2026, 4, 2),
        category=category,
        ward=items["A"].ward,
        status="resolved",
        resolved_at=at(2026, 3, 30),
        rating=5,
        rated_at=at(2026, 3, 31),
        steps=[(at(2026, 3, 29), "resolved", "in_progress")],
    )
    march = compute(parse_period("2026-03"), generation_named(None), "ward")
    west = next(r for r in march.rows if r.code == "81001")
    raw = compute_raw(parse_period("2026-03"), generation_named(None), "ward")
    assert asdict(west) == asdict(next(r for r in raw.rows if r.code == "81001"))
    assert_same(*_periods("2026-03", "2026-04", "2026-Q1", "2026-Q2", "2026"))
    assert _kept() == _rebuilt()


def test_many_resolutions_give_the_exact_percentiles(items):
    """Resolutions of 0.5 to about 900 hours over many buckets, an even and an odd count
    per ward, so percentile_cont interpolates between ranks in different buckets."""
    category = items["A"].category
    hours = [0.5 + (n * n * 7 % 911) + n / 7 for n in range(41)]
    for n, spent in enumerate(hours):
        created = at(2026, 3, 1 + n % 20, n % 24)
        resolved = created + timedelta(hours=spent)
        make_item(
            f"TP{n}",
            106.605 if n % 2 else 106.63,
            created,
            category=category,
            ward=items["A"].ward,
            status="resolved",
            resolved_at=resolved,
            steps=[(resolved, "received", "resolved")],
        )
    assert_same(*_periods("2026-03", "2026-04", "2026-Q1", "2026-Q2", "2026"))
    board = compute(parse_period("2026"), generation_named(None), "city")
    assert board.total.resolved >= 41 and board.total.median_hours is not None


def test_a_span_that_is_not_whole_days_reads_the_facts(items):
    assert_same(
        Period("thu-a", at(2026, 3, 2, 12), at(2026, 3, 16, 6)),
        Period("thu-b", at(2026, 2, 25), at(2026, 3, 4, 13)),
        Period("thu-c", at(2026, 3, 1), at(2026, 3, 16)),  # whole days, not a month
    )


def test_flows_agree_for_the_fixture_and_an_empty_period(items):
    assert_same(*_periods("2025-Q1", "2026-Q1", "2026-Q2", "2099-Q4", "2099"))
    assert_facts_agree()


def _keys_with_several_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute(MORE_THAN_ONE_ROW)
        return cursor.fetchone()[0]


def test_the_hourly_merge_keeps_every_sum(items):
    """The triggers append rows (no hot row for concurrent reports of one ward and day);
    the hourly job merges them into one per key, and every measure stays the same."""
    event(items["B"], at(2026, 3, 20), "resolved", "in_progress")
    FeedbackItem.objects.filter(pk=items["B"].pk).update(status="in_progress", resolved_at=None)
    FeedbackItem.objects.filter(pk=items["A"].pk).update(rating=5)
    with connection.cursor() as cursor:
        cursor.execute(OPEN_DELTAS)
        open_deltas = cursor.fetchall()
    kept = _kept()
    assert _keys_with_several_rows() > 0
    compact_sums()
    assert _keys_with_several_rows() == 0
    assert _kept() == kept
    with connection.cursor() as cursor:
        cursor.execute(OPEN_DELTAS)
        assert cursor.fetchall() == open_deltas
    assert_same(*_periods("2026-03", "2026-Q1", "2026"))
