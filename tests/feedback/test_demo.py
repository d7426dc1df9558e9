"""The demo reports: routed like any report, spread over the workflow, loaded once."""

from collections import Counter

import pytest

from feedback.demo import SAMPLE, load_demo_feedback
from feedback.models import FeedbackItem
from layers.facilities import ward_for_point

pytestmark = pytest.mark.django_db


def test_demo_reports_are_routed_spread_over_the_workflow_and_loaded_once():
    first = load_demo_feedback(count=60, seed=7)
    assert (first.created, first.existing) == (60, 0)
    items = list(FeedbackItem.objects.select_related("ward"))
    assert len(items) == 60
    assert all(SAMPLE in item.description for item in items)
    assert all(item.ward == ward_for_point(item.geom) for item in items)
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
