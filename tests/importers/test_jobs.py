"""Import jobs on the task queue: a job row with its queue job (or neither), the order they
run in, a job run twice, a worker that died, a queue job lost, the uploader's language.

The worker's steps run in the test's transaction (``tests/importers/queue.py``); the real
worker process is in ``test_worker.py``.
"""

from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.utils import timezone, translation
from procrastinate import sql
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

from geoportal.tasks import retry_stalled_jobs
from importers import jobs
from importers.jobs import end_lost_jobs, enqueue
from importers.models import ImportJob, JobStatus
from importers.params import ImportParams
from layers.models import Layer
from tests.importers.conftest import PLACES_CSV
from tests.importers.queue import queue_status, run_next

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def import_dir(settings, tmp_path):
    settings.COMMONMAP = {**settings.COMMONMAP, "IMPORT_DIR": str(tmp_path / "uploads")}


def _queue(user, layer="places", language="en", **options) -> ImportJob:
    upload = SimpleUploadedFile(PLACES_CSV.name, PLACES_CSV.read_bytes())
    params = ImportParams(path=PLACES_CSV, name=PLACES_CSV.name, layer=layer, **options)
    return enqueue(params, upload, user, language=language)


@pytest.fixture
def user():
    return User.objects.create_user("gis")


def _fetch(queue_job_id: int) -> None:
    """What a worker does first: take the job (status doing; no worker row, as if its
    worker had been pruned after it died)."""
    row = app.connector.execute_query_one(
        query=sql.queries["fetch_job"], queues=[jobs.QUEUE], worker_id=None
    )
    assert row["id"] == queue_job_id


def test_an_upload_writes_its_job_and_its_queue_job(user):
    job = _queue(user)
    queued = ProcrastinateJob.objects.get(id=job.queue_job_id)
    assert (queued.queue_name, queued.task_name) == ("imports", "importers.tasks.run_import_job")
    assert queued.args == {"job_id": str(job.pk)}
    assert (queued.status, job.status) == ("todo", JobStatus.QUEUED)


def test_an_upload_in_a_rolled_back_transaction_leaves_no_job(user):
    before = ProcrastinateJob.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        _queue(user)
        raise RuntimeError("the caller's transaction fails")
    assert not ImportJob.objects.exists()
    assert ProcrastinateJob.objects.count() == before


def test_jobs_run_oldest_first_and_once(user):
    first, second = _queue(user, layer="a"), _queue(user, layer="b")
    assert run_next().pk == first.pk
    assert run_next().pk == second.pk
    assert run_next() is None
    for job in (first, second):
        job.refresh_from_db()
        assert (job.status, queue_status(job)) == (JobStatus.SUCCEEDED, "succeeded")


def test_a_job_that_ended_is_not_imported_again(user):
    job = _queue(user)
    assert run_next().report["imported"] == 86
    assert jobs.run(str(job.pk)) is None  # run again, as after a worker died at the end
    assert Layer.objects.get(slug="places").features.count() == 86


def test_a_job_whose_worker_died_is_queued_again_and_runs(user):
    job = _queue(user)
    _fetch(job.queue_job_id)
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, rows_read=40)
    retried = async_to_sync(retry_stalled_jobs)(app.job_manager, 0)
    assert retried == [job.queue_job_id]
    job.refresh_from_db()
    assert (job.status, job.rows_read, queue_status(job)) == (JobStatus.QUEUED, 0, "todo")
    # Given back "now" by the clock; the test's transaction started earlier (now()).
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE procrastinate_jobs SET scheduled_at = now() WHERE id = %s", [job.queue_job_id]
        )
    done = run_next()
    assert done.pk == job.pk and done.status == JobStatus.SUCCEEDED
    assert done.report["imported"] == 86
    # Two runs: the one whose worker died, the one that ended.
    assert ProcrastinateJob.objects.get(id=job.queue_job_id).attempts == 2


def test_a_running_job_of_a_live_worker_is_left_alone(user):
    job = _queue(user)
    worker_id = app.connector.execute_query_one(query=sql.queries["register_worker"])["worker_id"]
    row = app.connector.execute_query_one(
        query=sql.queries["fetch_job"], queues=[jobs.QUEUE], worker_id=worker_id
    )
    assert row["id"] == job.queue_job_id
    assert async_to_sync(retry_stalled_jobs)(app.job_manager) == []
    assert queue_status(job) == "doing"


def test_an_import_job_whose_queue_job_failed_is_ended(user):
    job = _queue(user, language="en")
    _fetch(job.queue_job_id)
    app.connector.execute_query(
        query=sql.queries["finish_job"], job_id=job.queue_job_id, status="failed", delete_job=False
    )
    assert end_lost_jobs() == 0  # too recent: its worker may still be saying how it ended
    assert end_lost_jobs(timezone.now() + timedelta(minutes=2)) == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error["code"] == "job_lost"
    assert job.error["detail"] == "The import stopped in the task queue before it ended."


def test_the_report_speaks_the_uploaders_language(user):
    _queue(user, language="vi", mode="append")
    finished = run_next()
    assert finished.status == JobStatus.FAILED
    message = "There is no layer {layer} to {mode}; import with mode create first."
    with translation.override("vi"):
        expected = translation.gettext(message).format(layer="places", mode="append")
    assert expected != message.format(layer="places", mode="append")  # it is translated
    assert finished.error["detail"] == expected


def test_a_failed_job_keeps_its_error_and_removes_the_upload(user, tmp_path):
    job = _queue(user, mode="append", language="en")
    finished = run_next()
    assert finished.status == JobStatus.FAILED
    assert finished.error["code"] == "import_refused"
    assert "There is no layer places to append" in finished.error["detail"]
    assert not (tmp_path / "uploads" / str(job.pk)).exists()


def test_jobs_are_listed_read_only_in_the_admin(user, client):
    job = _queue(user)
    admin = User.objects.create_superuser("root", password="x")
    client.force_login(admin)
    listing = client.get("/admin/importers/importjob/")
    assert listing.status_code == 200
    assert job.file_name in listing.content.decode()
    assert client.get("/admin/importers/importjob/add/").status_code == 403
