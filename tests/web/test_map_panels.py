"""The map's panels in Chromium, on the fallback map (no WebGL) which needs no GPU: search by
keyboard only, "Where am I?" with a granted location, the raster-less fallback itself, and
a 360-px phone. The MapLibre map itself is tested in test_map_page.py."""

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.web.helpers import assert_accessible, save_screenshots
from tests.web.map_helpers import NO_WEBGL, ben_thanh, open_map, requests_of

pytestmark = pytest.mark.browser
__all__ = ["ben_thanh"]  # a fixture

# A point in Phường Bến Thành, a few hundred metres east of its offices.
HERE = {"longitude": 106.6985, "latitude": 10.7725}


def _record(page: Page, errors: list[str]) -> None:
    page.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else 0)
    page.on("pageerror", lambda error: errors.append(f"exception: {error}"))
    page.on("response", lambda r: errors.append(f"{r.status}: {r.url}") if r.status >= 400 else 0)


@pytest.fixture
def located_page(browser, browser_errors) -> Iterator[Page]:
    """A Vietnamese page whose device says it stands in Phường Bến Thành."""
    context = browser.new_context(
        locale="vi-VN",
        viewport={"width": 1280, "height": 800},
        geolocation=HERE,
        permissions=["geolocation"],
    )
    page = context.new_page()
    _record(page, browser_errors)
    yield page
    context.close()


@pytest.fixture
def fallback_page(page) -> Page:
    """The page on a device without WebGL."""
    page.add_init_script(NO_WEBGL)
    return page


def test_search_by_keyboard_finds_ben_thanh_without_diacritics(
    fallback_page, server_url, browser_errors
):
    page = fallback_page
    open_map(page, server_url)
    page.locator("#tab-layers").focus()
    page.keyboard.press("ArrowRight")  # the tabs: arrow keys move and show
    expect(page.locator("#tab-search")).to_be_focused()
    expect(page.locator("#tab-search")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#panel-search")).to_be_visible()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.locator("#search-q")).to_be_focused()
    page.keyboard.type("ben thanh")
    page.keyboard.press("Enter")
    result = page.locator("#search-results button").first
    expect(result).to_contain_text("Phường Bến Thành")
    assert_accessible(page, "map search")
    save_screenshots(page, "map-search")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(result).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#map=1[4-9][.\d]*/10\.7"))
    assert browser_errors == []


def test_a_search_that_finds_nothing_says_so(fallback_page, server_url):
    open_map(fallback_page, server_url)
    fallback_page.locator("#tab-search").click()
    fallback_page.locator("#search-q").fill("zzzz qqqq khong co")
    fallback_page.locator("#search-q").press("Enter")
    expect(fallback_page.locator("#search-status")).to_contain_text("zzzz qqqq khong co")
    expect(fallback_page.locator("#search-results li")).to_have_count(0)


def test_where_am_i_names_the_ward_its_offices_and_the_nearest_facilities(
    located_page, server_url, browser_errors
):
    page = located_page
    page.add_init_script(NO_WEBGL)
    open_map(page, server_url)
    page.evaluate(
        "document.addEventListener('commonmap:place', (e) => { window.lastPlace = e.detail; })"
    )
    page.locator("#tab-here").click()
    page.locator("#whereami-locate").click()
    expect(page.locator("#whereami-ward")).to_contain_text("Phường Bến Thành")
    offices = page.locator("#whereami-offices")
    expect(offices).to_contain_text("Ủy ban nhân dân Phường Bến Thành")
    expect(offices).to_contain_text("Trung tâm Phục vụ hành chính công Phường Bến Thành")
    nearest = page.locator("#nearest-list li")
    expect(nearest.first).to_contain_text("Trạm Y tế")
    assert nearest.count() == 5
    distances = page.locator("#nearest-list .facility-distance").all_inner_texts()
    assert all(re.fullmatch(r"[\d.,]+ (m|km), \S.*", d) for d in distances), distances
    page.locator("#nearest-category").select_option("cho")
    expect(nearest.first).to_contain_text("Chợ")
    place = page.evaluate("window.lastPlace")
    assert place["source"] == "locate" and place["ward"]["name"] == "Phường Bến Thành"
    assert abs(place["lon"] - HERE["longitude"]) < 1e-6
    assert page.evaluate("window.commonMap.place.ward.code") == place["ward"]["code"]
    assert_accessible(page, "where am I")
    save_screenshots(page, "map-here")
    assert browser_errors == []


def test_the_fallback_draws_the_layers_without_webgl_and_picks_points(
    fallback_page, server_url, ben_thanh, browser_errors
):
    page = fallback_page
    urls = requests_of(page)
    open_map(page, server_url, view=f"15/{ben_thanh.lat}/{ben_thanh.lon}")
    expect(page.locator("#map")).to_have_attribute("data-engine", "leaflet")
    assert page.evaluate("window.commonMap.map") is None
    # The wards: MapProxy's raster tiles (tests/web/test_map_fallback.py looks at them).
    expect(page.locator("#map .raster-areas img").first).to_be_attached()
    local = ("http://127.0.0.1:", "data:", "blob:")
    assert all(url.startswith(local) for url in urls), [
        url for url in urls if not url.startswith(local)
    ]
    page.evaluate(
        "() => { window.commonMap.pickPoint('pick').then((p) => { window.picked = p; }); }"
    )
    expect(page.locator("#map-prompt")).to_have_text("pick")
    page.keyboard.press("Enter")  # the crosshair, at the centre: the map has the focus
    page.wait_for_function("() => window.picked !== undefined")
    picked = page.evaluate("window.picked")
    assert abs(picked["lon"] - ben_thanh.lon) < 1e-4 and abs(picked["lat"] - ben_thanh.lat) < 1e-4
    page.wait_for_function(
        "() => window.commonMap.place && window.commonMap.place.source === 'pick'"
    )
    assert page.evaluate("window.commonMap.place.ward.name") == ben_thanh.name
    expect(page.locator("#map-prompt")).to_be_hidden()
    assert_accessible(page, "fallback map")
    save_screenshots(page, "map-fallback")
    assert browser_errors == []


def test_escape_cancels_picking_a_point(fallback_page, server_url):
    open_map(fallback_page, server_url)
    fallback_page.evaluate(
        "() => { window.commonMap.pickPoint('pick').catch((e) => { window.cancelled = e.name; }); }"
    )
    fallback_page.keyboard.press("Escape")
    fallback_page.wait_for_function("() => window.cancelled === 'AbortError'")
    expect(fallback_page.locator("#map-prompt")).to_be_hidden()


def test_on_a_360_px_phone_the_panel_is_below_the_map_not_over_it(fallback_page, server_url):
    page = fallback_page
    page.set_viewport_size({"width": 360, "height": 740})
    open_map(page, server_url)
    the_map = page.locator("#map").bounding_box()
    panel = page.locator(".map-layout .panel").bounding_box()
    assert the_map["width"] >= 350 and the_map["height"] >= 280
    assert panel["y"] >= the_map["y"] + the_map["height"] - 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page, "map on a phone")


def test_the_page_speaks_english_when_asked(en_page, server_url):
    en_page.add_init_script(NO_WEBGL)
    open_map(en_page, server_url)
    expect(en_page.locator("#tab-layers")).to_have_text("Layers")
    expect(en_page.locator("#tab-search")).to_have_text("Search")
    assert en_page.locator("html").get_attribute("lang") == "en"


def test_a_click_in_the_here_tab_chooses_that_place(fallback_page, server_url, ben_thanh):
    page = fallback_page
    open_map(page, server_url, view=f"16/{ben_thanh.lat}/{ben_thanh.lon}")
    page.locator("#tab-here").click()
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2 + 3, box["y"] + box["height"] / 2 + 3)
    expect(page.locator("#whereami-ward")).to_contain_text(ben_thanh.name)
    assert page.evaluate("window.commonMap.place.source") == "click"
