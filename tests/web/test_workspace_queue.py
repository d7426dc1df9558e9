"""The work queue (/workspace/) in Chromium: a ward officer sees their ward's items only,
the filters change the list and the URL, the deadline sort, a phone's width, the map (with
WebGL) drawing the same items, and a person with no staff role gets a message, not data."""

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from tests.web import workspace_setup
from tests.web.helpers import assert_accessible, save_screenshots, sign_in
from tests.web.workspace_setup import errors_but, real_errors

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def data(read_db):
    """Wards, people and items (tests/web/workspace_setup.py), removed afterwards."""
    made = read_db(lambda: workspace_setup.create("hang_viec"))
    yield made
    read_db(lambda: workspace_setup.remove(made))


def _officer(page, server_url, data, next_path="/workspace/"):
    sign_in(page, server_url, data["users"]["officer"], workspace_setup.PASSWORD, next_path)
    expect(page.locator("#queue-status")).not_to_have_text(re.compile("…$"))


def _codes(page) -> list[str]:
    return page.locator("#queue-rows th[scope=row]").all_inner_texts()


def test_a_ward_officer_sees_only_their_wards_items(page, server_url, data, browser_errors):
    _officer(page, server_url, data)
    items = data["items"]
    codes = _codes(page)
    for key in ("light", "light_again", "pavement"):
        assert items[key] in codes
    assert items["elsewhere"] not in codes
    wards = page.locator("#queue-rows td:nth-child(3)").all_inner_texts()
    assert set(wards) == {data["ward_names"][0]}
    row = page.locator("#queue-rows tr", has=page.get_by_role("link", name=items["pavement"]))
    expect(row.locator(".ws-overdue")).to_be_visible()
    assert_accessible(page, "workspace queue")
    save_screenshots(page, "workspace-queue")
    assert real_errors(browser_errors) == []


def test_filters_change_the_list_and_the_url(page, server_url, data, browser_errors):
    _officer(page, server_url, data)
    page.locator("#f-category").select_option("lan-chiem-via-he")
    page.locator("#filters button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"category=lan-chiem-via-he"))
    expect(page.locator("#queue-status")).not_to_have_text(re.compile("…$"))
    codes = _codes(page)
    assert data["items"]["pavement"] in codes
    assert data["items"]["light"] not in codes
    assert set(page.locator("#queue-rows td:nth-child(2)").all_inner_texts()) == {
        "Lấn chiếm vỉa hè"
    }

    page.locator("#f-category").select_option("")
    page.locator("#f-overdue").select_option("true")
    page.locator("#filters button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"overdue=true"))
    expect(page.locator("#queue-status")).not_to_have_text(re.compile("…$"))
    assert data["items"]["pavement"] in _codes(page)
    assert data["items"]["light"] not in _codes(page)
    assert page.locator("#f-overdue").input_value() == "true"  # the form keeps the URL's

    # A day after the city's today whatever the hour: the city (UTC+7) is up to a day ahead
    # of the UTC date the browser computes here.
    later = page.evaluate("new Date(Date.now() + 2 * 864e5).toISOString().slice(0, 10)")
    page.goto(f"{server_url}/workspace/?created_after={later}")
    expect(page.locator("#queue-status")).not_to_have_text(re.compile("…$"))
    expect(page.locator("#queue-rows tr")).to_have_count(0)
    assert real_errors(browser_errors) == []


def test_the_deadline_sort_puts_the_overdue_item_first(page, server_url, data, browser_errors):
    _officer(page, server_url, data)
    page.locator("#sort-deadline").click()
    expect(page).to_have_url(re.compile(r"sort=deadline"))
    expect(page.locator("#queue-status")).not_to_have_text(re.compile("…$"))
    expect(page.locator("#deadline-heading")).to_have_attribute("aria-sort", "ascending")
    query = parse_qs(urlparse(page.url).query)
    assert query["sort"] == ["deadline"]
    codes = _codes(page)
    assert codes.index(data["items"]["pavement"]) < codes.index(data["items"]["light"])
    assert real_errors(browser_errors) == []


def test_the_queue_fits_a_phone(page, server_url, data, browser_errors):
    page.set_viewport_size({"width": 360, "height": 740})
    _officer(page, server_url, data)
    assert data["items"]["light"] in _codes(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page is {width} px wide on a 360 px phone"
    page.get_by_role("link", name=data["items"]["light"]).click()
    expect(page).to_have_url(re.compile(rf"/workspace/items/{data['items']['light']}/$"))
    assert_accessible(page, "workspace queue on a phone")
    assert real_errors(browser_errors) == []


def test_the_map_draws_the_listed_items(webgl_page, server_url, data, browser_errors):
    page = webgl_page
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    _officer(page, server_url, data)
    expect(page.locator("#map canvas")).to_be_visible()
    expect(page.locator("#map")).to_have_attribute(
        "data-items", re.compile(r"^[1-9]"), timeout=60_000
    )
    listed = page.locator("#queue-rows tr").count()
    assert int(page.locator("#map").get_attribute("data-items")) == listed
    assert_accessible(page, "workspace queue with its map")
    left = [url for url in requested if not url.startswith(("http://127.0.0.1", "data:", "blob:"))]
    assert left == []
    assert real_errors(browser_errors) == []


def test_a_person_without_a_staff_role_gets_a_message_and_no_data(
    en_page, server_url, data, browser_errors
):
    page = en_page
    with page.expect_response(f"{server_url}/workspace/") as answer:
        sign_in(page, server_url, data["users"]["nobody"], workspace_setup.PASSWORD, "/workspace/")
    assert answer.value.status == 403
    expect(page.get_by_role("alert")).to_contain_text("no staff role")
    expect(page.locator("#queue-rows")).to_have_count(0)
    assert_accessible(page, "workspace without a role")
    assert errors_but(browser_errors, 403) == []
