"""Hotline intake (/workspace/intake/) in Chromium: an operator types an ambiguous address,
every candidate is shown and none is taken until the operator chooses; the report is then
stored as the operator's, by hotline, in the chosen place's ward, and its tracking code is
shown to be read back. No request leaves the test server."""

import re

import pytest
import requests
from playwright.sync_api import expect

from feedback.models import FeedbackItem
from tests.web import workspace_setup
from tests.web.helpers import assert_accessible, save_screenshots, sign_in
from tests.web.workspace_setup import real_errors

pytestmark = pytest.mark.browser
ADDRESS = "Phường 1"
CALLER = "Lê Văn Gọi"


@pytest.fixture(scope="module")
def data(read_db):
    """Wards, people and items (tests/web/workspace_setup.py); removed afterwards with the
    reports the tests take."""
    made = read_db(lambda: workspace_setup.create("tong_dai"))
    yield made

    def taken() -> list[str]:
        return list(
            FeedbackItem.objects.filter(reporter_name=CALLER).values_list(
                "tracking_code", flat=True
            )
        )

    read_db(lambda: workspace_setup.remove(made, taken))


def test_an_operator_takes_a_report_for_an_ambiguous_address(
    en_page, server_url, data, read_db, browser_errors
):
    page = en_page
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    expected = requests.get(
        f"{server_url}/api/v1/feedback/places/", params={"q": ADDRESS}, timeout=30
    ).json()
    assert expected["status"] == "ambiguous"
    sign_in(
        page, server_url, data["users"]["operator"], workspace_setup.PASSWORD, "/workspace/intake/"
    )

    expect(page.locator("#intake-form[data-ready]")).to_be_attached()  # its script runs
    page.locator("#i-address").fill(ADDRESS)
    page.locator("#find-place").click()
    radios = page.locator("#candidates input[type=radio]")
    expect(radios).to_have_count(len(expected["candidates"]))
    expect(page.locator("#place-status")).to_contain_text(f"{len(expected['candidates'])} places")
    assert all(not radio.is_checked() for radio in radios.all())
    assert_accessible(page, "hotline intake: ambiguous address")

    page.locator("#i-category").select_option("den-duong")
    page.locator("#i-description").fill("Đèn đường tắt cả dãy phố")
    page.locator("#i-name").fill(CALLER)
    page.locator("#i-phone").fill("0933444555")
    page.locator("#intake-submit").click()  # no place chosen yet: refused on the page
    expect(page.locator("#intake-error")).to_contain_text("Choose which place")

    chosen = expected["candidates"][1]
    radios.nth(1).check()
    page.locator("#intake-submit").click()
    code_box = page.locator("#done-code")
    expect(code_box).to_have_text(re.compile(r"^HCM-[0-9A-Z]{4}-[0-9A-Z]{4}$"))
    expect(page.locator("#done-ward")).to_contain_text(chosen["ward_name"])
    save_screenshots(page, "workspace-intake")
    assert_accessible(page, "hotline intake: report received")

    code = code_box.inner_text()
    item = read_db(lambda: FeedbackItem.objects.select_related("ward").get(tracking_code=code))
    assert item.ward.code == chosen["ward_code"]
    assert (item.channel, item.reporter_name, item.reporter_phone) == (
        "hotline",
        CALLER,
        "0933444555",
    )
    assert item.reporter_id is None  # the operator files it, not as the reporter
    assert abs(item.geom.x - chosen["lon"]) < 1e-6 and abs(item.geom.y - chosen["lat"]) < 1e-6
    left = [url for url in requested if not url.startswith(("http://127.0.0.1", "data:", "blob:"))]
    assert left == []
    assert real_errors(browser_errors) == []


def test_intake_fits_a_phone(page, server_url, data, browser_errors):
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(
        page, server_url, data["users"]["operator"], workspace_setup.PASSWORD, "/workspace/intake/"
    )
    expect(page.locator("#intake-form[data-ready]")).to_be_attached()  # its script runs
    page.locator("#i-address").fill("xyzzy qwerty")
    page.locator("#i-address").press("Enter")
    expect(page.locator("#place-status")).not_to_be_empty()
    expect(page.locator("#candidates-box")).to_be_hidden()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page is {width} px wide on a 360 px phone"
    assert_accessible(page, "hotline intake on a phone")
    assert real_errors(browser_errors) == []
