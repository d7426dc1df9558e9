"""The upload API: /api/v1/imports/ — who may upload, what is refused (at upload or by the
worker's job), and who sees which job.

Uploads are real files from ``../shared/data`` (GeoNames places around Ho Chi Minh City, the
Natural Earth provinces of Viet Nam) or built here from them; the worker is ``run_next()``,
the worker's steps in the test's transaction (``tests/importers/queue.py``). What an
imported layer then holds is in ``test_api_layers.py``.
"""

import csv
import zipfile

import pytest
from pyproj import Transformer

from importers.models import ImportJob
from layers.models import Layer
from tests.importers.conftest import (
    PLACES_CSV,
    URL,
    error,
    import_file,
    make_user,
    queued,
    run_job,
    upload,
    write_csv,
)

pytestmark = pytest.mark.django_db


def places() -> list[dict]:
    with PLACES_CSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# --- who may upload ----------------------------------------------------------------------


def test_anonymous_upload_is_refused(client, provinces_zip):
    response = upload(client, provinces_zip, layer="tinh")
    body = error(response, 401, "not_authenticated")
    assert body["detail"] == "Sign in (HTTP Basic, a session or an API key) to do this."
    assert response["WWW-Authenticate"] == 'Basic realm="Common Map"'
    assert ImportJob.objects.count() == 0


def test_signed_in_user_without_the_permission_is_refused(client, provinces_zip):
    client.force_login(make_user("khach"))
    body = error(upload(client, provinces_zip, layer="tinh"), 403, "permission_denied")
    assert body["detail"] == "You do not have permission to perform this action."
    assert ImportJob.objects.count() == 0


# --- refused at upload -------------------------------------------------------------------


def test_geopackage_that_is_a_zip_is_refused_at_upload(client, staff, provinces_zip, tmp_path):
    fake = tmp_path / "tinh.gpkg"
    fake.write_bytes(provinces_zip.read_bytes())
    body = error(upload(client, fake, layer="tinh"), 400, "format_mismatch")
    assert body == {
        "detail": "'tinh.gpkg' is not a GeoPackage: its content looks like a ZIP archive.",
        "code": "format_mismatch",
        "parameter": "file",
        "hint": "If it is a ZIP archive, give it the .zip extension.",
    }
    assert ImportJob.objects.count() == 0


def test_upload_over_the_size_limit_is_refused(client, staff, settings):
    settings.COMMONMAP = {**settings.COMMONMAP, "IMPORT_MAX_FILE_BYTES": 1000}
    body = error(upload(client, PLACES_CSV, layer="diem-dan-cu"), 413, "file_too_large")
    assert body["detail"] == (
        "'geonames_cities500_hcmc_region.csv' is 0.0054 MB; the limit is 0.00095 MB."
    )
    assert ImportJob.objects.count() == 0


@pytest.mark.parametrize(
    ("fields", "parameter", "detail"),
    [
        (
            {"layer": "diem-dan-cu", "mode": "merge"},
            "mode",
            'mode: "merge" is not a valid choice.',
        ),
        ({}, "layer", "layer: This field is required."),
        (
            {"layer": "facilities"},
            "layer",
            "Layer 'facilities' is built in; files cannot be imported into it.",
        ),
        (
            {"layer": "diem-dan-cu", "mode": "upsert"},
            "key",
            "Upsert needs the key field that identifies a feature (--key).",
        ),
    ],
    ids=["unknown-mode", "missing-layer", "reserved-layer", "upsert-without-key"],
)
def test_bad_parameters_are_refused_naming_the_parameter(client, staff, fields, parameter, detail):
    body = error(upload(client, PLACES_CSV, **fields), 400, "invalid_parameter")
    assert body["parameter"] == parameter
    assert body["detail"] == detail
    assert ImportJob.objects.count() == 0


# --- refused by the job ------------------------------------------------------------------


def test_metres_without_a_crs_fail_the_job_naming_the_likely_system(client, staff, tmp_path):
    to_tm3 = Transformer.from_crs(4326, 9210, always_xy=True)
    rows = []
    for place in places():
        x, y = to_tm3.transform(float(place["longitude"]), float(place["latitude"]))
        rows.append([place["geonameid"], place["name"], f"{x:.2f}", f"{y:.2f}"])
    path = write_csv(tmp_path / "diem_vn2000.csv", ["geonameid", "name", "x", "y"], rows)

    job = import_file(client, path, layer="diem-dan-cu")
    assert job["status"] == "failed"
    assert job["report"] is None
    assert job["error"]["code"] == "crs_needed"
    assert job["error"]["parameter"] == "srs"
    assert "look like metres of a projected system" in job["error"]["detail"]
    assert "EPSG:9210 (VN-2000 / TM-3 105-45)" in job["error"]["detail"]
    assert job["error"]["hint"] == "State the coordinate system with --srs, e.g. --srs EPSG:9210."
    assert not Layer.objects.filter(slug="diem-dan-cu").exists()


def test_zip_entry_climbing_out_of_the_folder_fails_the_job(client, staff, tmp_path, import_dir):
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(PLACES_CSV, "diem.csv")
        archive.writestr("../evil.txt", "gotcha")

    job = import_file(client, path, layer="diem-dan-cu")
    assert job["status"] == "failed"
    assert job["error"] == {
        "detail": "'evil.zip' contains an entry with an unsafe path, '../evil.txt', "
        "that would be written outside the upload folder.",
        "code": "unsafe_file",
        "parameter": "file",
    }
    assert not Layer.objects.filter(slug="diem-dan-cu").exists()
    assert list(import_dir.iterdir()) == []  # a failed job's upload is removed too


def test_upload_is_removed_once_the_job_has_run(client, staff, import_dir):
    job = queued(upload(client, PLACES_CSV, layer="diem-dan-cu"))
    stored = import_dir / job["id"] / PLACES_CSV.name
    assert stored.read_bytes() == PLACES_CSV.read_bytes()
    run_job(client, job)
    assert not stored.parent.exists()


# --- who sees which job ------------------------------------------------------------------


def test_another_users_job_is_not_found(client, staff):
    job = queued(upload(client, PLACES_CSV, layer="diem-dan-cu"))
    client.force_login(make_user("minh", "add_importjob"))
    body = error(client.get(job["url"]), 404, "not_found")
    assert body["detail"] == f"No import job {job['id']}."


def test_a_user_who_may_view_import_jobs_sees_anothers_job(client, staff):
    job = queued(upload(client, PLACES_CSV, layer="diem-dan-cu"))
    client.force_login(make_user("quan-tri", "add_importjob", "view_importjob"))
    response = client.get(job["url"])
    assert response.status_code == 200, response.content
    assert response.json()["id"] == job["id"]


def test_job_list_shows_only_the_users_own_jobs(client, staff):
    own = queued(upload(client, PLACES_CSV, layer="diem-dan-cu"))
    client.force_login(make_user("minh", "add_importjob"))
    theirs = queued(upload(client, PLACES_CSV, layer="diem-khac"))
    response = client.get(URL)
    assert response.status_code == 200, response.content
    assert [job["id"] for job in response.json()["results"]] == [theirs["id"]]
    client.force_login(staff)
    assert [job["id"] for job in client.get(URL).json()["results"]] == [own["id"]]
