"""The map by keyboard: Enter on the map opens the details of what is drawn at its centre,
as a click there would."""

import pytest
from playwright.sync_api import expect

from tests.web.map_helpers import ben_thanh, open_map

pytestmark = pytest.mark.browser

__all__ = ["ben_thanh"]  # a fixture


def test_enter_on_the_map_opens_the_details_of_the_ward_at_its_centre(
    webgl_page, server_url, ben_thanh, browser_errors
):
    page = webgl_page
    open_map(page, server_url, query="layers=areas", view=f"15/{ben_thanh.lat}/{ben_thanh.lon}")
    page.wait_for_function(
        "() => new Promise((done) => { const m = window.commonMap.map;"
        " m.loaded() ? done(true) : m.once('idle', () => done(true)); })"
    )
    page.locator("#map canvas").focus()
    page.keyboard.press("Enter")
    details = page.locator("#feature-details")
    expect(details).to_be_visible()
    expect(page.locator("#feature-details-title")).to_have_text(ben_thanh.name)
    assert browser_errors == []
