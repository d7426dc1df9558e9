"""Facilities by category in the layer list: one labelled checkbox per category under the
facilities' toggle, filtering what MapLibre draws (``queryRenderedFeatures``), kept in the
URL (``?fac=``) across a reload, operated by keyboard."""

import pytest
from playwright.sync_api import Page, expect

from tests.web.helpers import assert_accessible, save_screenshots
from tests.web.map_helpers import ben_thanh, open_map

pytestmark = pytest.mark.browser

__all__ = ["ben_thanh"]  # a fixture

# The categories of the facilities MapLibre draws now (points, not cluster cells).
RENDERED = """() => {
  const map = window.commonMap.map;
  const ids = map.getStyle().layers
    .filter((l) => l["source-layer"] === "facilities").map((l) => l.id);
  return [...new Set(map.queryRenderedFeatures({ layers: ids })
    .filter((f) => f.properties.category).map((f) => f.properties.category))].sort();
}"""


def _settled(page: Page) -> None:
    page.wait_for_function(
        "() => new Promise((done) => { const m = window.commonMap.map;"
        " m.loaded() ? done(true) : m.once('idle', () => done(true)); })"
    )


def test_unticking_a_category_hides_its_facilities_and_survives_a_reload(
    webgl_page, server_url, ben_thanh, browser_errors
):
    page = webgl_page
    open_map(
        page, server_url, query="layers=facilities", view=f"15/{ben_thanh.lat}/{ben_thanh.lon}"
    )
    _settled(page)
    drawn = page.evaluate(RENDERED)
    assert len(drawn) >= 2, drawn
    gone = drawn[0]
    box = page.locator(f"#category-{gone}")
    expect(box).to_be_checked()
    assert page.locator(f"label[for=category-{gone}]").inner_text().strip()
    box.focus()
    page.keyboard.press("Space")  # by keyboard
    expect(box).not_to_be_checked()
    page.wait_for_function(f"() => ({RENDERED})().includes({gone!r}) === false")
    assert set(page.evaluate(RENDERED)) == set(drawn) - {gone}
    assert "fac=" in page.url and gone not in page.url.split("fac=")[1].split("&")[0]
    assert_accessible(page, "facilities by category")
    save_screenshots(page, "map-categories")

    page.reload()
    page.wait_for_selector("#map[data-state=ready]", state="attached", timeout=60_000)
    _settled(page)
    expect(page.locator(f"#category-{gone}")).not_to_be_checked()
    expect(page.locator(f"#category-{drawn[1]}")).to_be_checked()
    assert set(page.evaluate(RENDERED)) == set(drawn) - {gone}
    assert browser_errors == []
