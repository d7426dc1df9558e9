"""The import pages when things go wrong, at phone width and by keyboard: refused rows per
row (paged) and a partial confirmation, a malformed file's message from the API, a person
without the import permission, and an upload and confirmation driven by the keyboard only."""

import csv
import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import FileChooser, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from layers.models import Feature
from tests.web import test_workspace_imports as imports
from tests.web.helpers import assert_accessible, sign_in, tab_to
from tests.web.test_workspace_imports import (
    JOB_URL,
    LONG,
    PASSWORD,
    PLACES_CSV,
    create_user,
    delete_user,
    report_of,
    upload,
)

pytestmark = pytest.mark.browser
gis_officer = imports.gis_officer  # the fixtures, shared with the main flow's module
import_worker = imports.import_worker


@pytest.fixture
def places_with_bad_rows(tmp_path) -> Path:
    """The real GeoNames places as WKT points, every even row's WKT cut short (refused)."""
    with PLACES_CSV.open(encoding="utf-8") as handle:
        places = list(csv.DictReader(handle))
    path = tmp_path / "diem_loi.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["ma", "ten", "wkt"])
        for number, place in enumerate(places, start=1):
            point = f"POINT ({place['longitude']} {place['latitude']})"
            wkt = point[:-4] if number % 2 == 0 else point
            out.writerow([place["geonameid"], place["name"], wkt])
    return path


@pytest.fixture
def no_permission(read_db):
    """A signed-in person without the import permission."""
    name = create_user(read_db, f"khong-{uuid.uuid4().hex[:8]}")
    yield name
    delete_user(read_db, name)


def choose_file_by_keyboard(page: Page, selector: str) -> FileChooser:
    """Tab to the file input and open its chooser with Space. The page may still be busy
    drawing (its job list) when the key arrives on a loaded machine: tab there again and
    press again, up to three times, never by any other means than the keyboard."""
    for _ in range(3):
        tab_to(page, selector)
        try:
            with page.expect_file_chooser(timeout=10_000) as chooser:
                page.keyboard.press("Space")
            return chooser.value
        except PlaywrightTimeoutError:
            continue
    raise AssertionError(f"Space on {selector} never opened the file chooser")


def http_errors(errors: list[str]) -> list[str]:
    """The errors but the console's echo of an HTTP error status (listed on its own)."""
    return [e for e in errors if not e.startswith("console: Failed to load resource")]


def fits_the_width(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_refused_rows_are_listed_per_row_and_a_partial_import_leaves_them_out(
    en_page, server_url, gis_officer, import_worker, places_with_bad_rows, read_db, browser_errors
):
    page = en_page
    page.set_viewport_size({"width": 360, "height": 740})
    slug = f"diem-loi-{uuid.uuid4().hex[:6]}"
    sign_in(page, server_url, gis_officer, PASSWORD, next_path="/workspace/imports/")
    assert fits_the_width(page)
    assert_accessible(page, "imports page at 360 px")
    upload(page, places_with_bad_rows, slug)
    expect(page).to_have_url(JOB_URL)
    expect(page.locator("#job-report")).to_be_visible(timeout=LONG)
    report = report_of(read_db, page.url)
    assert (report["rows_read"], report["rejected_count"]) == (86, 43)
    expect(page.locator("#count-refused")).to_have_text("43")
    expect(page.locator("#count-valid")).to_have_text("43")
    expect(page.locator("#job-status")).to_contain_text("Rejected rows")

    refused = page.locator("#refused-rows")
    table = refused.get_by_role("table", name="Refused rows")
    expect(table.locator("tbody tr")).to_have_count(25)
    first = table.locator("tbody tr").first.locator("td")
    expect(first.nth(0)).to_have_text(str(report["rejected"][0]["row"]))
    expect(first.nth(2)).to_have_text(report["rejected"][0]["reason"])
    expect(refused.locator(".page-of")).to_have_text("Page 1 of 2")
    refused.get_by_role("button", name="Next").click()
    expect(table.locator("tbody tr")).to_have_count(18)
    expect(table.locator("tbody tr").last.locator("td").first).to_have_text("86")
    assert [note["row"] for note in report["rejected"]] == list(range(2, 87, 2))
    assert fits_the_width(page)
    assert_accessible(page, "a report with refused rows at 360 px")

    confirm = page.get_by_role("button", name="Confirm import")
    expect(confirm).to_be_disabled()
    page.get_by_label("Import without the refused rows").check()
    confirm.click()
    expect(page.locator("#job-done")).to_be_visible(timeout=LONG)
    assert read_db(lambda: Feature.objects.filter(layer__slug=slug).count()) == 43
    assert browser_errors == []


def test_a_malformed_file_shows_the_apis_message(
    en_page, server_url, gis_officer, tmp_path, browser_errors
):
    page = en_page
    broken = tmp_path / "ranh_gioi.gpkg"
    broken.write_text("ma,ten\n1,Bến Thành\n", encoding="utf-8")
    sign_in(page, server_url, gis_officer, PASSWORD, next_path="/workspace/imports/")
    with page.expect_response(re.compile(r"/api/v1/imports/$")) as answer:
        upload(page, broken, "ranh-gioi")
    body = answer.value.json()
    assert answer.value.status == 400 and body["code"] == "format_mismatch"
    alert = page.locator("#import-error")
    expect(alert).to_contain_text(body["detail"])
    if body.get("hint"):
        expect(alert).to_contain_text(body["hint"])
    expect(page).to_have_url(f"{server_url}/workspace/imports/")
    expect(page.locator("#import-file")).to_be_focused()
    assert_accessible(page, "a refused upload")
    assert http_errors(browser_errors) == [f"400: {server_url}/api/v1/imports/"]


def test_a_person_without_the_import_permission_gets_no_form(
    en_page, server_url, no_permission, browser_errors
):
    page = en_page
    sign_in(page, server_url, no_permission, PASSWORD, next_path="/workspace/imports/")
    expect(page.get_by_role("alert")).to_contain_text(
        "You may not import files: only GIS staff with the import permission may."
    )
    expect(page.locator("#import-form")).to_have_count(0)
    assert_accessible(page, "imports refused")
    job = f"{server_url}/workspace/imports/{uuid.uuid4()}/"
    page.goto(job)
    expect(page.get_by_role("alert")).to_contain_text("You may not import files")
    assert http_errors(browser_errors) == [f"403: {server_url}/workspace/imports/", f"403: {job}"]


def test_an_upload_and_its_confirmation_by_keyboard_only(
    en_page, server_url, gis_officer, import_worker, read_db, browser_errors
):
    page = en_page
    slug = f"ban-phim-{uuid.uuid4().hex[:6]}"
    sign_in(page, server_url, gis_officer, PASSWORD, next_path="/workspace/imports/")
    choose_file_by_keyboard(page, "#import-file").set_files(str(PLACES_CSV))
    tab_to(page, "#import-layer")
    page.keyboard.type(slug)
    tab_to(page, "#import-dry-run")
    expect(page.locator("#import-dry-run")).to_be_checked()
    tab_to(page, "#import-submit")
    page.keyboard.press("Enter")
    expect(page).to_have_url(JOB_URL)
    expect(page.locator("#job-confirm")).to_be_visible(timeout=LONG)
    expect(page.locator("#count-read")).to_have_text("86")
    tab_to(page, "#confirm-button")
    page.keyboard.press("Enter")
    expect(page.locator("#job-done")).to_be_visible(timeout=LONG)
    tab_to(page, "#link-map")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/\?layers={slug}"))
    assert read_db(lambda: Feature.objects.filter(layer__slug=slug).count()) == 86
    assert [error for error in browser_errors if "/workspace/" in error] == []
