"""The Report tab's helpers in Chromium: an open report of the same category nearby is
offered to follow instead; the browser's location is used as the point; photos beyond the
API's limit are refused in the page, and a preview's remove button takes one away."""

import pytest
import requests
from playwright.sync_api import expect

from feedback.intake import Submission, submit
from feedback.models import FeedbackItem
from feedback.workflow import Actor
from tests.committed_reports import remove_items
from tests.web.helpers import assert_accessible
from tests.web.test_report_send import (
    CATEGORY,
    MARK,
    open_report_tab,
    photo_png,
    real_errors,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def ben_thanh(server_url) -> dict:
    """The place the feedback places API finds for "ben thanh"."""
    body = requests.get(
        f"{server_url}/api/v1/feedback/places/", params={"q": "ben thanh"}, timeout=30
    ).json()
    assert body["status"] == "found"
    return body["candidates"][0]


@pytest.fixture
def open_report_nearby(read_db, ben_thanh):
    """A committed open litter report 10 m from that place, removed afterwards."""

    def create() -> tuple[int, str]:
        item = submit(
            Submission(
                category=CATEGORY,
                description=f"Rác chất đống {MARK}",
                channel="web",
                lon=ben_thanh["lon"] + 0.0001,
                lat=ben_thanh["lat"],
            ),
            Actor(None, "resident"),
        )
        return item.pk, item.tracking_code

    pk, code = read_db(create)
    yield code
    read_db(lambda: remove_items(FeedbackItem.objects.filter(pk=pk)))


def test_an_open_report_nearby_is_offered_to_follow_instead(
    webgl_page, server_url, ben_thanh, open_report_nearby, browser_errors
):
    page = webgl_page
    open_report_tab(page, server_url, ben_thanh["lon"], ben_thanh["lat"], zoom=14)
    page.locator("#report-address").fill("ben thanh")
    page.locator("#report-find").click()
    expect(page.locator("#report-place")).to_contain_text(ben_thanh["ward_name"])
    page.locator("#report-category").select_option(CATEGORY)
    offered = page.locator(f"#report-duplicates a[href='/track/{open_report_nearby}/']")
    expect(offered).to_be_visible()
    expect(offered).to_contain_text(open_report_nearby)
    assert_accessible(page, "report: similar reports nearby")
    assert real_errors(browser_errors) == []


def test_the_browsers_location_becomes_the_point(webgl_page, server_url, ben_thanh, browser_errors):
    page = webgl_page
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"longitude": ben_thanh["lon"], "latitude": ben_thanh["lat"]})
    open_report_tab(page, server_url, ben_thanh["lon"], ben_thanh["lat"], zoom=13)
    page.locator("#report-locate").click()
    expect(page.locator("#report-place")).to_contain_text(ben_thanh["ward_name"])
    assert real_errors(browser_errors) == []


def test_photos_beyond_the_limit_are_refused_and_one_can_be_removed(
    webgl_page, server_url, ben_thanh, browser_errors
):
    page = webgl_page
    open_report_tab(page, server_url, ben_thanh["lon"], ben_thanh["lat"], zoom=13)
    limit = int(page.locator("#report-texts").get_attribute("data-max-photos"))
    small = photo_png(400, 300)
    files = [
        {"name": f"anh-{n}.png", "mimeType": "image/png", "buffer": small} for n in range(limit + 1)
    ]
    page.locator("#report-photos").set_input_files(files)
    expect(page.locator("#report-previews img")).to_have_count(limit)
    expect(page.locator("#report-photos-error")).not_to_be_empty()
    expect(page.locator("#report-photos")).to_be_disabled()

    page.locator("#report-previews .remove-photo").nth(1).click()
    expect(page.locator("#report-previews img")).to_have_count(limit - 1)
    expect(page.locator("#report-previews .remove-photo").nth(1)).to_be_focused()
    expect(page.locator("#report-photos")).to_be_enabled()

    page.locator("#report-photos").set_input_files(
        {"name": "khong-phai-anh.png", "mimeType": "image/png", "buffer": b"not an image"}
    )
    expect(page.locator("#report-photos-error")).to_contain_text("khong-phai-anh.png")
    expect(page.locator("#report-previews img")).to_have_count(limit - 1)
    assert_accessible(page, "report: photos")
    assert real_errors(browser_errors) == []
