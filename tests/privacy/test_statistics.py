"""Erasure leaves the dashboard's statistics as they were: every ward, every generation.

Uses the dashboard's small city (tests/dashboard/conftest.py): two generations whose ward
borders differ, and an item (C) on a border. With a 2 km public grid the public point of
some items falls in another ward; the erased point must not."""

from dataclasses import asdict
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from dashboard.groups import generation_named
from dashboard.measures import compute, compute_raw
from dashboard.periods import parse_period
from feedback.models import FeedbackItem
from layers.wards import resolve_ward
from privacy.services import apply_retention, submit_request
from tests.dashboard.conftest import city, items  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

PERIODS = ("2025-03", "2026-02", "2026-03", "2026-04")
GENERATIONS = ("thu-cu", "thu-moi")
AFTER_EVERYTHING = datetime(2030, 1, 1, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def _boards() -> list:
    boards = []
    for generation in GENERATIONS:
        for period in PERIODS:
            for run in (compute, compute_raw):
                for level in ("ward", "city"):
                    board = run(parse_period(period), generation_named(generation), level)
                    boards.append((board.total, board.rows))
    return [
        (asdict(total), [asdict(r) | {"area_id": None} for r in rows]) for total, rows in boards
    ]


def _placements() -> list:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generation_id, item_id, area_id FROM dashboard_itemfact ORDER BY 1, 2"
        )
        return cursor.fetchall()


@pytest.fixture
def coarse(items):  # noqa: F811
    """The items with contact details, a 2 km public grid and a 30-day retention."""
    category = items["A"].category
    category.public_precision_m = 2000
    category.retention_days = 30
    category.save()
    FeedbackItem.objects.update(
        reporter_name="Trần B", reporter_phone="0912345678", reporter_email="b@example.vn"
    )
    return items


def test_retention_leaves_every_dashboard_figure_and_placement_unchanged(coarse):
    moved = [
        (letter, generation.slug)
        for letter, item in coarse.items()
        for generation in map(generation_named, GENERATIONS)
        if item.geom.x  # F is at sea
        and resolve_ward(FeedbackItem.objects.get(pk=item.pk).public_geom, on=generation.valid_from)
        != resolve_ward(item.geom, on=generation.valid_from)
    ]
    assert moved, "the grid should move some public point into another ward"
    boards, placed = _boards(), _placements()
    erased = apply_retention(AFTER_EVERYTHING)
    assert len(erased) == 5  # A-E are done; F is still open
    assert FeedbackItem.objects.filter(reporter_phone="").count() == 5
    assert _placements() == placed
    assert _boards() == boards


def test_erasure_request_leaves_the_dashboard_unchanged(coarse, django_user_model):
    owner = django_user_model.objects.create_user("cu_dan")
    FeedbackItem.objects.exclude(tracking_code="TF").update(reporter=owner)
    boards, placed = _boards(), _placements()
    made, _ = submit_request(owner, "delete")
    assert made.status == "done"
    assert FeedbackItem.objects.filter(personal_erased_at__isnull=False).count() == 5
    assert _placements() == placed
    assert _boards() == boards
