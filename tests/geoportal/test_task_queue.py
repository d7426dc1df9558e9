"""The task queue as deployed: every task's queue is one the worker of ``make run`` and
docker compose listens to, the scheduled jobs are registered with their cron, a job
deferred inside a worker belongs to the caller's transaction, the rating period's start
forgets the ward_satisfaction tiles, and staff see the queue in the admin."""

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from django.contrib.auth.models import User
from django.db import transaction
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

from ratings.tasks import forget_tiles_at_period_start
from tests.tiles.xyz import tile_of
from tiles.models import CachedTile

ROOT = Path(__file__).resolve().parents[2]
CITY = ZoneInfo("Asia/Ho_Chi_Minh")


def _makefile_queues() -> set[str]:
    found = re.search(r"^WORKER_QUEUES \?= (.+)$", (ROOT / "Makefile").read_text(), re.M)
    return set(found.group(1).strip().split(","))


def _compose_queues() -> set[str]:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    command = compose["services"]["worker"]["command"]
    assert command[:4] == ["python", "manage.py", "procrastinate", "worker"]
    return set(command[command.index("--queues") + 1].split(","))


def test_the_worker_of_make_run_and_compose_listens_to_every_tasks_queue():
    # procrastinate's own "builtin" queue has only its job cleaner, which we do not defer;
    # "notifications-bench" is the no-op baseline of bench/notifications.py, run by the
    # bench's own worker only.
    queues = {task.queue for task in app.tasks.values()} - {"builtin", "notifications-bench"}
    assert {"imports", "notifications", "maintenance"} <= queues
    assert queues <= _makefile_queues()
    assert _compose_queues() == _makefile_queues()


@pytest.mark.parametrize(
    ("task", "periodic_id", "cron"),
    [
        ("geoportal.recover_stalled_jobs", "recover_stalled_jobs", "* * * * *"),
        ("geoportal.remove_old_jobs", "remove_old_jobs", "40 3 * * *"),
        ("notices.sweep_notices", "sweep_notices", "*/5 * * * *"),
        ("ratings.forget_satisfaction_tiles", "forget_satisfaction_tiles", "0 * * * *"),
    ],
)
def test_scheduled_jobs_are_registered_on_the_maintenance_queue(task, periodic_id, cron):
    periodic = app.periodic_registry.periodic_tasks[(task, periodic_id)]
    assert (periodic.cron, periodic.task.queue) == (cron, "maintenance")


@pytest.mark.django_db
def test_a_job_deferred_in_a_worker_is_rolled_back_with_the_callers_transaction():
    before = ProcrastinateJob.objects.count()
    # What manage.py procrastinate worker does to the app before it runs jobs.
    worker_connector = app.connector.get_worker_connector()
    with (
        app.replace_connector(worker_connector),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        app.configure_task("notices.sweep_notices").defer(timestamp=0)
        assert ProcrastinateJob.objects.count() == before + 1  # on this connection
        raise RuntimeError("the step fails")
    assert ProcrastinateJob.objects.count() == before


@pytest.mark.django_db
def test_the_start_of_a_rating_period_forgets_the_satisfaction_tiles(client):
    x, y = tile_of(106.70, 10.78, 12)
    assert client.get(f"/tiles/ward_satisfaction/12/{x}/{y}.mvt").status_code == 200
    cached = CachedTile.objects.filter(layers__contains=["ward_satisfaction"])
    assert cached.exists()
    # In the middle of a month nothing is forgotten; in the first hour of the next, all.
    assert forget_tiles_at_period_start(datetime(2026, 12, 15, 10, 0, tzinfo=CITY)) == 0
    assert cached.exists()
    assert forget_tiles_at_period_start(datetime(2027, 1, 1, 0, 30, tzinfo=CITY)) >= 1
    assert not cached.exists()


@pytest.mark.django_db
def test_staff_see_the_queue_in_the_admin(client):
    client.force_login(User.objects.create_superuser("root", password="x"))
    listing = client.get("/admin/procrastinate/procrastinatejob/")
    assert listing.status_code == 200
