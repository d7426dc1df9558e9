"""The outbox with a real procrastinate worker on committed rows: a rolled-back step leaves
nothing behind, a failing webhook is retried and delivered once, a dead letter is replayed
from the admin."""

import pytest
from django.db import transaction
from django.test import Client
from procrastinate.contrib.django.models import ProcrastinateJob

from notifications.models import Notification
from tests.notifications.conftest import file_report, run_worker, step

# The test's own transaction is left untouched: the rows are written and read through
# ``committed`` (other connections), as the worker's are. (The mark is what points every
# connection at the test database.)
pytestmark = pytest.mark.django_db


class StepFailed(Exception):
    """Raised inside a step's transaction to roll it back."""


def test_a_rolled_back_step_leaves_no_notification_and_no_job(committed, world, place):
    staff = world["staff"]
    item = committed(lambda: file_report(staff, place))

    def failing_step() -> tuple[int, int]:
        counts = (Notification.objects.count(), ProcrastinateJob.objects.count())
        try:
            with transaction.atomic():
                step(staff, item, "accepted")
                assert Notification.objects.filter(item=item, kind="accepted").count() == 2
                raise StepFailed
        except StepFailed:
            pass
        return counts

    before = committed(failing_step)
    after = committed(lambda: (Notification.objects.count(), ProcrastinateJob.objects.count()))
    assert after == before
    assert not committed(lambda: item.events.filter(to_status="accepted").exists())


def test_a_failing_webhook_is_retried_by_the_worker_and_delivered_once(
    committed, world, place, receiver, fast_retries
):
    receiver.statuses = [500]
    item = committed(lambda: file_report(world["staff"], place))
    committed(run_worker)
    hook = committed(lambda: Notification.objects.get(item=item, channel="webhook"))
    assert (hook.state, hook.attempts, hook.last_error) == ("sent", 2, "")
    assert [r.status for r in receiver.requests] == [500, 201]
    assert receiver.delivered() == {str(hook.pk): 1}
    in_app = committed(lambda: Notification.objects.get(item=item, channel="in_app"))
    assert in_app.state == "sent"


def test_a_dead_letter_is_replayed_from_the_admin(committed, world, place, receiver, fast_retries):
    receiver.statuses = [500, 500, 500]
    item = committed(lambda: file_report(world["staff"], place))
    committed(run_worker)
    hook = committed(lambda: Notification.objects.get(item=item, channel="webhook"))
    assert (hook.state, hook.attempts) == ("dead", 3)

    def replay_in_admin() -> int:
        admin = Client()
        admin.force_login(world["user"])
        return admin.post(
            "/admin/notifications/notification/",
            {"action": "replay", "_selected_action": [hook.pk]},
        ).status_code

    assert committed(replay_in_admin) == 302
    assert committed(lambda: Notification.objects.get(pk=hook.pk).state) == "pending"
    committed(run_worker)
    assert committed(lambda: Notification.objects.get(pk=hook.pk).state) == "sent"
    assert receiver.delivered() == {str(hook.pk): 1}
    assert len(receiver.requests) == 4
