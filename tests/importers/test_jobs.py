"""The import queue: claiming, a worker that died, the uploader's language."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from importers.jobs import claim, enqueue, requeue_stale, run, run_next
from importers.models import ImportJob, JobStatus
from importers.params import ImportParams
from tests.importers.conftest import PLACES_CSV

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


def test_jobs_are_claimed_oldest_first_and_once(user):
    first, second = _queue(user, layer="a"), _queue(user, layer="b")
    assert claim().pk == first.pk
    assert claim().pk == second.pk
    assert claim() is None
    statuses = set(ImportJob.objects.values_list("status", flat=True))
    assert statuses == {JobStatus.RUNNING}


def test_a_job_whose_worker_died_is_queued_again(user):
    job = _queue(user)
    claim()
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    assert requeue_stale() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    done = run_next()
    assert done.pk == job.pk and done.status == JobStatus.SUCCEEDED
    assert done.report["imported"] == 86


def test_a_running_job_with_a_fresh_heartbeat_is_left_alone(user):
    _queue(user)
    claim()
    assert requeue_stale() == 0


def test_the_report_speaks_the_uploaders_language(user):
    job = _queue(user, language="vi", mode="append")
    claimed = claim()
    assert claimed.pk == job.pk
    finished = run(claimed)
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
