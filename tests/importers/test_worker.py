"""Import jobs run by the real worker process (``manage.py procrastinate worker``, as
``make run`` and docker compose start it): a job is run and its layer served; a worker
killed in the middle of an import (SIGKILL) leaves nothing, and the job, given back to the
queue by the stalled-job recovery, runs again in another worker and imports its rows once.

The jobs are committed from a thread of their own (the test's transaction is invisible to
another process) and removed at the end.
"""

import csv
import random
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

from geoportal.tasks import retry_stalled_jobs
from importers.jobs import enqueue
from importers.models import ImportJob, JobStatus
from importers.params import ImportParams
from layers.models import Layer
from tests.importers.conftest import PLACES_CSV
from tests.web.conftest import ROOT, manage_env

pytestmark = pytest.mark.django_db
T = TypeVar("T")
ROWS = 60_000  # three batches: enough for the import to be caught in the middle


@pytest.fixture
def committed(django_db_blocker) -> Callable[[Callable[[], T]], T]:
    """Run ORM work in a thread of its own, committed at once (autocommit)."""

    def in_thread(work: Callable[[], T]) -> T:
        try:
            return work()
        finally:
            connections.close_all()

    def run(work: Callable[[], T]) -> T:
        with django_db_blocker.unblock(), ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(in_thread, work).result()

    return run


@pytest.fixture
def uploads(settings, tmp_path) -> Path:
    folder = tmp_path / "uploads"
    settings.COMMONMAP = {**settings.COMMONMAP, "IMPORT_DIR": str(folder)}
    return folder


@pytest.fixture
def queue_upload(committed, uploads):
    """Commit a user, an upload's job and its queue job: ``queue_upload(path, **params)``."""
    made: list[tuple[str, str, int]] = []

    def last_queue_job() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT coalesce(max(id), 0) FROM procrastinate_jobs")
            return cursor.fetchone()[0]

    before = committed(last_queue_job)

    def make(path: Path, **options) -> ImportJob:
        def work() -> ImportJob:
            user = User.objects.create_user(f"gis-{uuid.uuid4().hex[:8]}")
            upload = SimpleUploadedFile(path.name, path.read_bytes())
            params = ImportParams(path=path, name=path.name, **options)
            return enqueue(params, upload, user, language="en")

        job = committed(work)
        made.append((job.params["layer"], str(job.pk), job.created_by_id))
        return job

    yield make

    def cleanup() -> None:
        for layer, job_id, user_id in made:
            Layer.objects.filter(slug=layer).delete()
            ImportJob.objects.filter(pk=job_id).delete()
            User.objects.filter(pk=user_id).delete()
        with connection.cursor() as cursor:  # the workers' jobs, periodic ones included
            cursor.execute("DELETE FROM procrastinate_periodic_defers")
            cursor.execute("DELETE FROM procrastinate_jobs WHERE id > %s", [before])
            cursor.execute("DELETE FROM procrastinate_workers")

    committed(cleanup)


def _worker(*options: str) -> subprocess.Popen:
    env = manage_env(COMMONMAP_IMPORT_DIR=django_settings.COMMONMAP["IMPORT_DIR"])
    command = [sys.executable, "manage.py", "procrastinate", "worker", "--queues", "imports"]
    return subprocess.Popen(
        [*command, *options],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _one_shot() -> str:
    """Run a worker until the queue is empty; its output."""
    worker = _worker("--one-shot")
    output, _ = worker.communicate(timeout=300)
    assert worker.returncode == 0, output
    return output


def _job(job: ImportJob) -> ImportJob:
    return ImportJob.objects.get(pk=job.pk)  # committed by the worker: visible here


def test_a_worker_process_runs_the_job_and_the_layer_is_served(queue_upload, client):
    slug = f"places-{uuid.uuid4().hex[:6]}"
    job = queue_upload(PLACES_CSV, layer=slug, key="geonameid")
    _one_shot()
    done = _job(job)
    assert done.status == JobStatus.SUCCEEDED, done.error
    assert done.report["imported"] == 86
    assert ProcrastinateJob.objects.get(id=job.queue_job_id).status == "succeeded"
    features = client.get(f"/api/v1/layers/{slug}/features/", {"page_size": 100}).json()
    assert len(features["features"]) == 86
    assert "Xuyên Mộc" in {f["properties"]["name"] for f in features["features"]}


def _many_points(path: Path) -> Path:
    pick = random.Random(15)
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["ma", "ten", "x", "y"])
        for n in range(ROWS):
            x, y = 106.6 + pick.random() * 0.2, 10.7 + pick.random() * 0.15
            out.writerow([n, f"Điểm {n}", f"{x:.6f}", f"{y:.6f}"])
    return path


def test_a_worker_killed_mid_import_leaves_nothing_and_the_job_runs_again_once(
    queue_upload, committed, tmp_path
):
    slug = f"points-{uuid.uuid4().hex[:6]}"
    job = queue_upload(_many_points(tmp_path / "diem.csv"), layer=slug, x_field="x", y_field="y")
    worker = _worker()  # waits for jobs, as make run's does
    try:
        deadline = time.monotonic() + 120
        while _job(job).rows_read == 0:  # progress: the import's transaction is open
            assert worker.poll() is None, worker.stdout.read()
            assert time.monotonic() < deadline, "the worker never started the import"
            time.sleep(0.05)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    killed = _job(job)
    assert killed.status == JobStatus.RUNNING and 0 < killed.rows_read < ROWS
    assert not Layer.objects.filter(slug=slug).exists()  # its transaction died with it
    assert ProcrastinateJob.objects.get(id=job.queue_job_id).status == "doing"

    # What the periodic recovery does once the dead worker's heartbeat is old enough.
    retried = committed(lambda: async_to_sync(retry_stalled_jobs)(app.job_manager, 0))
    assert retried == [job.queue_job_id]
    assert _job(job).status == JobStatus.QUEUED

    _one_shot()
    done = _job(job)
    assert done.status == JobStatus.SUCCEEDED, done.error
    assert done.report["imported"] == ROWS
    assert Layer.objects.get(slug=slug).features.count() == ROWS
    queued = ProcrastinateJob.objects.get(id=job.queue_job_id)
    assert (queued.status, queued.attempts) == ("succeeded", 2)
