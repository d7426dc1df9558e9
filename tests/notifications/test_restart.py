"""The outbox under a database restart: a real worker process (``manage.py procrastinate
worker``) delivers webhooks; every other backend of the test database is terminated;
more steps are taken; once the worker has reconnected every notification is delivered,
and each exactly once (the receiver counts 2xx answers by delivery id)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from notifications.models import Notification
from tests.notifications.conftest import file_report, step

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def _worker(database: dict) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "geoportal.settings",
        "DATABASE_URL": "postgres://{USER}:{PASSWORD}@{HOST}:{PORT}/{NAME}".format(**database),
        "COMMONMAP_NOTIFY_RETRY_BASE_S": "0",
        "COMMONMAP_NOTIFY_MAX_ATTEMPTS": "20",
    }
    return subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "procrastinate",
            "worker",
            "--queues",
            "notifications",
            "--fetch-job-polling-interval",
            "0.5",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def _wait_all_sent(committed, worker: subprocess.Popen, seconds: float = 60) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        states = committed(
            lambda: list(
                Notification.objects.filter(item__category__code="thu-thong-bao").values_list(
                    "pk", "channel", "state"
                )
            )
        )
        if states and all(state == "sent" for _pk, _channel, state in states):
            return [pk for pk, channel, _state in states if channel == "webhook"]
        assert worker.poll() is None, worker.stdout.read().decode()
        time.sleep(0.3)
    raise AssertionError(f"not all sent: {states}")


def test_every_notification_is_delivered_once_across_a_database_restart(
    committed, world, place, receiver
):
    staff = world["staff"]
    own_pid = connection.cursor().execute("SELECT pg_backend_pid()").fetchone()[0]
    worker = _worker(connection.settings_dict)
    try:
        items = committed(lambda: [file_report(staff, place) for _ in range(3)])
        before = _wait_all_sent(committed, worker)
        terminated = committed(
            lambda: (
                connection.cursor()
                .execute(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid NOT IN (pg_backend_pid(), %s)",
                    [own_pid],
                )
                .fetchone()[0]
            )
        )
        assert terminated >= 1  # the worker's connections

        def more_steps() -> None:
            for item in items:
                step(staff, item, "accepted")
            for _ in range(3):
                file_report(staff, place)

        committed(more_steps)
        after = _wait_all_sent(committed, worker)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert len(before) == 3 and len(after) == 9
    assert receiver.delivered() == {str(pk): 1 for pk in after}
