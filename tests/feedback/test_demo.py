"""The demo reports: routed like any report, spread over the workflow, loaded once."""

from collections import Counter
from itertools import pairwise

import pytest
from django.utils import timezone

from feedback.demo import SAMPLE, load_demo_feedback
from feedback.models import FeedbackItem
from layers.wards import resolve_ward

pytestmark = pytest.mark.django_db


def test_demo_reports_are_routed_spread_over_the_workflow_and_loaded_once():
    first = load_demo_feedback(count=60, seed=7)
    assert (first.created, first.existing) == (60, 0)
    items = list(FeedbackItem.objects.select_related("ward"))
    assert len(items) == 60
    assert all(SAMPLE in item.description for item in items)
    assert all(item.ward == resolve_ward(item.geom) for item in items)
    statuses = Counter(item.status for item in items)
    assert {"received", "accepted", "in_progress", "resolved"} <= statuses.keys()
    assert len({item.category_id for item in items}) >= 5
    # Every step is on the timeline, through the real workflow.
    for item in items:
        steps = list(item.events.order_by("at", "id").values_list("to_status", flat=True))
        assert steps[0] == "received" and steps[-1] == item.status
    created = sorted(item.created_at for item in items)
    assert (created[-1] - created[0]).days >= 7  # spread over weeks, not all "now"
    assert FeedbackItem.objects.filter(status="received", deadline_at__lt=created[-1]).exists()
    again = load_demo_feedback(count=60, seed=7)
    assert (again.created, again.existing) == (0, 60)
    assert FeedbackItem.objects.count() == 60


def test_demo_timelines_start_when_reported_and_follow_in_order():
    before = timezone.now()
    load_demo_feedback(count=60, seed=7)
    items = list(FeedbackItem.objects.prefetch_related("events"))
    assert any(len(item.events.all()) > 2 for item in items)
    for item in items:
        moments = [event.at for event in sorted(item.events.all(), key=lambda e: e.id)]
        assert moments[0] == item.created_at  # "received" when it was reported
        assert all(a < b for a, b in pairwise(moments))  # in order
        assert moments[-1] < before  # all in the past of the load, none stamped at load time
        assert item.updated_at == moments[-1]
        resolved = [e.at for e in item.events.all() if e.to_status == "resolved"]
        assert item.resolved_at == (resolved[-1] if resolved else None)
