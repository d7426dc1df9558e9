"""The pre-aggregated facts agree with the raw rows after every kind of write.

Each test writes, then compares the fast path (``compute``, over ``dashboard_itemfact``)
with ``compute_raw`` (the ward rule on every item, the event log) for several periods,
levels and both generations of the small city of conftest.py.
"""

from dataclasses import asdict
from datetime import date

import pytest
from django.contrib.gis.geos import Polygon
from django.db import connection

from dashboard.facts import rule_for_function
from dashboard.groups import generation_named
from dashboard.measures import compute, compute_raw
from dashboard.periods import parse_period
from feedback.models import FeedbackEvent, FeedbackItem
from layers import boundaries
from layers.boundaries import AreaInput
from tests.dashboard.conftest import at, make_item

pytestmark = pytest.mark.django_db

PERIODS = ("2025-03", "2026-03", "2026-04", "2026", "2099-01", None)
LEVELS = ("ward", "district", "province", "city")


def _rows(board) -> list[dict]:
    return [asdict(row) for row in board.rows] + [asdict(board.total)]


def assert_facts_agree() -> None:
    """Every period x level x generation: the fast path equals the raw computation."""
    for slug in ("thu-moi", "thu-cu"):
        generation = generation_named(slug)
        for name in PERIODS:
            period = parse_period(name)
            for level in LEVELS:
                fast = compute(period, generation, level)
                raw = compute_raw(period, generation, level)
                assert _rows(fast) == _rows(raw), (slug, name, level)


def event(item: FeedbackItem, when, source: str, to: str) -> None:
    """A timeline event of ``item`` at ``when`` (two statements, as the workflow writes)."""
    written = FeedbackEvent.objects.create(
        item=item, actor_role="ward_staff", from_status=source, to_status=to
    )
    FeedbackEvent.objects.filter(pk=written.pk).update(at=when)


def _count(code: str, period: str = "2026-03") -> int:
    board = compute(parse_period(period), generation_named(None), "ward")
    return next(row.received for row in board.rows if row.code == code)


def test_facts_agree_with_raw_rows_for_the_fixture(items):
    assert_facts_agree()


def test_facts_follow_a_new_item(items):
    before = _count("81002")
    make_item("TN", 106.63, at(2026, 3, 12), category=items["A"].category, ward=items["A"].ward)
    assert _count("81002") == before + 1
    assert_facts_agree()


def test_facts_follow_a_resolution_and_a_rating(items):
    item = items["F"]
    event(item, at(2026, 3, 6), "received", "resolved")
    FeedbackItem.objects.filter(pk=item.pk).update(
        status="resolved", resolved_at=at(2026, 3, 6), rating=5, rated_at=at(2026, 3, 7)
    )
    assert_facts_agree()


def test_facts_follow_a_reopening(items):
    item = items["B"]
    event(item, at(2026, 3, 20), "resolved", "in_progress")
    FeedbackItem.objects.filter(pk=item.pk).update(status="in_progress")
    march = compute(parse_period("2026-03"), generation_named(None), "ward")
    west = next(row for row in march.rows if row.code == "81001")
    assert (west.reopened, west.open_now) == (1, 2)  # B reopened and open again, and C
    assert_facts_agree()


def test_facts_follow_a_changed_event_and_a_deleted_one(items):
    events = items["C"].events.order_by("at", "pk")
    events.filter(to_status="accepted").update(at=at(2026, 3, 25))
    assert_facts_agree()
    events.filter(to_status="resolved").delete()
    assert_facts_agree()


def test_facts_follow_a_deletion(items):
    before = _count("81001")
    items["A"].delete()
    assert _count("81001") == before - 1
    assert_facts_agree()


def test_facts_follow_a_moved_item(items):
    FeedbackItem.objects.filter(pk=items["A"].pk).update(geom="SRID=4326;POINT(106.63 10.61)")
    assert_facts_agree()


def test_items_move_when_a_ward_changes_shape_in_a_boundary_import(city, items):
    """81001 grows east to 106.62: E (106.618, before the reform) moves into it."""
    assert (_count("81001", "2025-03"), _count("81002", "2025-03")) == (0, 1)
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
    assert (_count("81001", "2025-03"), _count("81002", "2025-03")) == (1, 0)
    assert_facts_agree()


def test_facts_follow_a_generations_dates(items):
    boundaries.upsert_generation(
        "thu-moi", name="thu-moi", valid_from=date(2026, 4, 1), valid_to=None
    )
    assert_facts_agree()


def test_installed_refresh_function_holds_todays_ward_rule(db):
    """A change to layers/sql/resolve_ward.sql needs a migration that reinstalls the facts'
    function (dashboard.facts.install); this fails until then."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = 'dashboard_refresh_facts'")
        (source,) = cursor.fetchone()
    assert rule_for_function().strip() in source
