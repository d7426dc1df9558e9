"""GIS staff import a real file through the workspace's pages in Chromium: upload with a
dry run, read the report (its counts checked against the file as pyogrio reads it),
confirm, watch the progress bar reach the end, and the layer exists with every feature.
A real task queue worker (``manage.py procrastinate worker``) on the test database runs
the jobs, as in production."""

import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pyogrio
import pytest
from django.contrib.auth.models import Permission, User
from playwright.sync_api import Page, expect

from importers.models import ImportJob
from layers.models import Feature, Layer
from tests.web.conftest import ROOT, manage_env
from tests.web.helpers import assert_accessible, save_screenshots, sign_in

pytestmark = pytest.mark.browser

# The real files of ../shared/data (tests/data/shared holds copies for a clean clone).
SHARED = next(
    p for p in (ROOT.parent / "shared" / "data", ROOT / "tests" / "data" / "shared") if p.is_dir()
)
PROVINCES_GPKG = SHARED / "derived" / "ne_vnm_admin1.gpkg"
PLACES_CSV = SHARED / "geonames" / "geonames_cities500_hcmc_region.csv"
PASSWORD = "nhap-du-lieu-mat-khau-1"
JOB_URL = re.compile(r"/workspace/imports/[0-9a-f-]{36}/$")
LONG = 120_000  # ms: a job waits for the worker under a loaded machine


def create_user(read_db, name: str, *codenames: str) -> str:
    """A committed user holding the importers' permissions named (the server reads it)."""

    def create():
        user = User.objects.create_user(name, password=PASSWORD)
        user.user_permissions.add(
            *Permission.objects.filter(content_type__app_label="importers", codename__in=codenames)
        )

    read_db(create)
    return name


def delete_user(read_db, name: str) -> None:
    """The user, their import jobs and the layers those made."""

    def delete():
        jobs = ImportJob.objects.filter(created_by__username=name)
        Layer.objects.filter(slug__in={job.params.get("layer") for job in jobs}).delete()
        jobs.delete()
        User.objects.filter(username=name).delete()

    read_db(delete)


@pytest.fixture(scope="module")
def gis_officer(read_db) -> Iterator[str]:
    """GIS staff: the importers' upload permission (what ``CanImport`` accepts)."""
    name = create_user(read_db, f"gis-{uuid.uuid4().hex[:8]}", "add_importjob")
    yield name
    delete_user(read_db, name)


@pytest.fixture(scope="module")
def import_worker(server_url, tmp_path_factory) -> Iterator[subprocess.Popen]:
    """A task queue worker of the ``imports`` queue on the test database, for the module."""
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    env = manage_env()
    command = [sys.executable, "manage.py", "procrastinate", "worker", "--queues", "imports"]
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def local_only(page: Page) -> list[str]:
    """Every request's host, recorded (none may leave 127.0.0.1)."""
    hosts: list[str] = []
    page.on("request", lambda request: hosts.append(urlsplit(request.url).hostname or ""))
    return hosts


def upload(page: Page, path: Path, layer: str, *, dry_run: bool = True) -> None:
    """Fill the upload form with a file and a new layer's slug, and send it."""
    page.locator("#import-file").set_input_files(str(path))
    page.locator("#import-layer").fill(layer)
    page.locator("#import-dry-run").set_checked(dry_run)
    page.locator("#import-submit").click()


def report_of(read_db, job_url: str) -> dict:
    """The job's report as the API holds it."""
    job_id = job_url.rstrip("/").rsplit("/", 1)[-1]
    return read_db(lambda: ImportJob.objects.get(pk=job_id).report)


def test_a_gis_officer_imports_a_real_file_through_the_pages(
    page, server_url, gis_officer, import_worker, read_db, browser_errors
):
    hosts = local_only(page)
    slug = f"tinh-{uuid.uuid4().hex[:6]}"
    in_file = pyogrio.read_info(PROVINCES_GPKG)["features"]
    sign_in(page, server_url, gis_officer, PASSWORD, next_path="/workspace/imports/")
    expect(page.locator("#import-form")).to_be_visible()
    expect(page.locator("#import-file-help")).to_contain_text("1,024.0")  # the size limit
    assert_accessible(page, "imports page")

    upload(page, PROVINCES_GPKG, slug)
    expect(page).to_have_url(JOB_URL)
    expect(page.locator("#job-report")).to_be_visible(timeout=LONG)
    report = report_of(read_db, page.url)
    assert report["rows_read"] == in_file == 63
    assert (report["dry_run"], report["committed"]) == (True, False)
    counts = {
        "#count-read": in_file,
        "#count-valid": in_file - report["rejected_count"],
        "#count-repaired": report["repaired_count"],
        "#count-refused": report["rejected_count"],
        "#count-outside": report["outside_count"],
    }
    for selector, value in counts.items():
        expect(page.locator(selector)).to_have_text(str(value))
    assert report["outside_count"] > 0  # most provinces lie outside the city
    expect(page.locator("#fact-crs")).to_contain_text("EPSG:4326")
    expect(page.locator("#fact-encoding")).to_have_text(report["encoding"] or "—")
    expect(page.locator("#fact-committed")).not_to_be_empty()
    expect(page.locator("#job-progress")).to_have_attribute("value", "100")
    expect(page.locator("#job-confirm")).to_be_visible()
    expect(page.locator("#job-done")).to_be_hidden()
    assert_accessible(page, "dry-run report")
    save_screenshots(page, "workspace-import-report")
    dry_run_url = page.url

    page.locator("#confirm-button").click()
    expect(page).not_to_have_url(dry_run_url)
    expect(page).to_have_url(JOB_URL)
    expect(page.locator("#job-done")).to_be_visible(timeout=LONG)
    progress = page.locator("#job-progress")
    expect(progress).to_have_attribute("value", "100")
    expect(page.locator("#job-status")).not_to_be_empty()
    expect(page.locator("#link-map")).to_have_attribute("href", f"/?layers={slug}")
    expect(page.locator("#link-ogc")).to_have_text(f"{server_url}/ogc/collections/{slug}/items")
    expect(page.locator("#link-geojson")).to_have_text(
        f"{server_url}/api/v1/layers/{slug}/features/"
    )
    expect(page.locator("#fact-committed")).to_have_text(re.compile(r"\S"))
    assert_accessible(page, "import done")
    assert read_db(lambda: Feature.objects.filter(layer__slug=slug).count()) == in_file

    page.goto(f"{server_url}/workspace/imports/{dry_run_url.split('/imports/')[1]}")
    expect(page.locator("#job-confirmed")).to_be_visible()
    expect(page.locator("#job-confirm")).to_be_hidden()

    page.goto(f"{server_url}/workspace/imports/")
    rows = page.locator("#jobs tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first.locator(".job-status")).to_have_class(re.compile("succeeded"))
    assert_accessible(page, "imports list")
    save_screenshots(page, "workspace-imports")
    assert browser_errors == []
    assert set(hosts) == {"127.0.0.1"}


def test_an_import_without_a_dry_run_goes_straight_to_the_layer(
    en_page, server_url, gis_officer, import_worker, read_db, browser_errors
):
    page = en_page
    slug = f"diem-{uuid.uuid4().hex[:6]}"
    sign_in(page, server_url, gis_officer, PASSWORD, next_path="/workspace/imports/")
    upload(page, PLACES_CSV, slug, dry_run=False)
    expect(page).to_have_url(JOB_URL)
    expect(page.locator("#job-status")).to_contain_text("Succeeded", timeout=LONG)
    expect(page.locator("#job-done")).to_be_visible()
    expect(page.locator("#job-confirm")).to_be_hidden()
    expect(page.locator("#written-label")).to_have_text("Written")
    expect(page.locator("#count-written")).to_have_text("86")
    expect(page.get_by_role("link", name="See the layer on the citizens' map")).to_have_attribute(
        "href", f"/?layers={slug}"
    )
    assert read_db(lambda: Feature.objects.filter(layer__slug=slug).count()) == 86
    assert browser_errors == []
