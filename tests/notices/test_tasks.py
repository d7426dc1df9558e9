"""The notices' scheduled sweep on the task queue: registered every five minutes on the
maintenance queue, and running it sweeps as ``manage.py sweep_notices`` does."""

from datetime import timedelta

import pytest
from django.utils import timezone
from procrastinate.contrib.django import app

from notices.models import Notice
from notices.tasks import sweep_notices

pytestmark = pytest.mark.django_db


def test_the_sweep_is_scheduled_every_five_minutes_on_the_maintenance_queue():
    periodic = app.periodic_registry.periodic_tasks[("notices.sweep_notices", "sweep_notices")]
    assert periodic.cron == "*/5 * * * *"
    assert periodic.task.queue == "maintenance"


def test_running_the_task_sweeps_an_ended_notice(make_notice, wards):
    notice = make_notice({"kind": "wards", "wards": [wards[0].code]})
    Notice.objects.filter(pk=notice.pk).update(ends_at=timezone.now() - timedelta(seconds=1))
    assert sweep_notices(timestamp=int(timezone.now().timestamp())) == 1
    notice.refresh_from_db()
    assert notice.swept_at is not None
    assert sweep_notices(timestamp=int(timezone.now().timestamp())) == 0
