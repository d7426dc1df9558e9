"""Confirming a dry run through the API: the kept upload is imported for real with the dry
run's parameters, once; refused rows need ``partial``; unconfirmed uploads are removed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from importers.jobs import drop_unconfirmed_uploads
from importers.models import ImportJob
from layers.models import Feature, Layer
from tests.importers.conftest import (
    IGNORE_BAD_WKT,
    PLACES_CSV,
    error,
    import_file,
    make_user,
    queued,
    run_job,
)

pytestmark = pytest.mark.django_db


def confirm_url(job: dict) -> str:
    return f"{job['url']}confirm/"


def test_a_dry_run_keeps_its_upload_until_confirmed(client, staff, import_dir):
    dry = import_file(client, PLACES_CSV, layer="diem-dan-cu", dry_run="true")
    assert dry["status"] == "succeeded" and dry["confirmed_by"] is None
    assert (import_dir / dry["id"] / PLACES_CSV.name).is_file()

    job = queued(client.post(confirm_url(dry), {}, content_type="application/json"))
    assert (job["dry_run"], job["layer"], job["file"]) == (False, "diem-dan-cu", PLACES_CSV.name)
    assert not (import_dir / dry["id"]).exists()
    done = run_job(client, job)
    assert done["status"] == "succeeded" and done["report"]["imported"] == 86
    assert Feature.objects.filter(layer__slug="diem-dan-cu").count() == 86
    assert client.get(dry["url"]).json()["confirmed_by"] == job["url"]
    assert list(import_dir.iterdir()) == []


def test_a_dry_run_is_confirmed_only_once(client, staff):
    dry = import_file(client, PLACES_CSV, layer="diem-dan-cu", dry_run="true")
    queued(client.post(confirm_url(dry), {}, content_type="application/json"))
    body = error(client.post(confirm_url(dry)), 409, "conflict")
    assert body["detail"] == "This dry run was confirmed already."


def test_a_real_import_cannot_be_confirmed(client, staff):
    job = import_file(client, PLACES_CSV, layer="diem-dan-cu")
    body = error(client.post(confirm_url(job)), 409, "conflict")
    assert body["detail"] == "This import was not a dry run: there is nothing to confirm."


@IGNORE_BAD_WKT
def test_refused_rows_need_partial_to_confirm(client, staff, markets_csv):
    dry = import_file(client, markets_csv, layer="cho", dry_run="true")
    assert dry["status"] == "rejected"
    body = error(client.post(confirm_url(dry)), 409, "conflict")
    assert body["detail"] == "The dry run refused 1 rows: import without them, or fix the file."
    assert body["parameter"] == "partial"

    job = queued(client.post(confirm_url(dry), {"partial": True}, content_type="application/json"))
    done = run_job(client, job)
    assert (done["status"], done["report"]["imported"]) == ("succeeded", 2)
    assert Layer.objects.filter(slug="cho").exists()


def test_another_persons_dry_run_is_not_found(client, staff):
    dry = import_file(client, PLACES_CSV, layer="diem-dan-cu", dry_run="true")
    client.force_login(make_user("minh", "add_importjob"))
    error(client.post(confirm_url(dry)), 404, "not_found")


def test_unconfirmed_uploads_are_removed_after_a_day(client, staff, import_dir):
    dry = import_file(client, PLACES_CSV, layer="diem-dan-cu", dry_run="true")
    assert drop_unconfirmed_uploads() == 0
    later = timezone.now() + timedelta(days=1, minutes=1)
    assert drop_unconfirmed_uploads(now=later) == 1
    assert not (import_dir / dry["id"]).exists()
    body = error(client.post(confirm_url(dry)), 409, "conflict")
    assert body["hint"] == "Upload the file again."
    assert ImportJob.objects.filter(pk=dry["id"]).exists()
