"""The citizens' map in Chromium with WebGL (SwiftShader): MapLibre draws the site's own
vector tiles, a click shows a feature's public details, and the view survives a reload."""

import io
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from layers.layer_specs import areas_spec
from layers.spec import hex_rgb
from tests.web.helpers import assert_accessible, save_screenshots
from tests.web.map_helpers import LOAD_TIMEOUT_MS, ben_thanh, open_map, requests_of

pytestmark = pytest.mark.browser
__all__ = ["ben_thanh"]  # a fixture

WARD_LINE = hex_rgb(areas_spec().paint.colour)
BACKGROUND = (0xF4, 0xF1, 0xEA)


def _share(pixels: list[tuple[int, int, int]], colour: tuple[int, int, int]) -> float:
    near = sum(1 for p in pixels if all(abs(a - b) <= 12 for a, b in zip(p, colour, strict=True)))
    return near / len(pixels)


def test_the_map_draws_the_sites_own_vector_tiles(webgl_page, server_url, browser_errors):
    page: Page = webgl_page
    urls = requests_of(page)
    tile_statuses: list[int] = []
    page.on("response", lambda r: tile_statuses.append(r.status) if ".mvt" in r.url else None)
    open_map(page, server_url)
    expect(page.locator("#map")).to_have_attribute("data-engine", "maplibre")
    assert page.evaluate("performance.getEntriesByName('commonmap:map-rendered').length") == 1
    assert f"{server_url}/tiles/style.json" in urls
    assert tile_statuses and all(status in (200, 204) for status in tile_statuses), tile_statuses
    assert all(url.startswith(server_url) or url.startswith(("data:", "blob:")) for url in urls), [
        u for u in urls if not u.startswith(server_url)
    ]

    image = Image.open(io.BytesIO(page.locator("#map canvas").screenshot())).convert("RGB")
    pixels = list(image.get_flattened_data())
    assert len(set(pixels)) > 20, "the canvas is blank"
    assert _share(pixels, BACKGROUND) < 0.9, "nothing drawn over the background"
    assert _share(pixels, WARD_LINE) > 0.002, "no ward borders from the tiles"
    assert page.evaluate("window.commonMap.map !== null && typeof window.commonMap.pickPoint")
    assert_accessible(page, "map")
    save_screenshots(page, "map")
    assert browser_errors == []


def test_the_layer_list_has_a_labelled_checkbox_and_legend_per_public_layer(webgl_page, server_url):
    open_map(webgl_page, server_url)
    for slug in ("areas", "facilities", "feedback", "ward_satisfaction", "survey_results"):
        box = webgl_page.locator(f"#layer-{slug}")
        expect(box).to_have_count(1)
        assert webgl_page.locator(f"label[for=layer-{slug}]").inner_text().strip()
    facilities = webgl_page.locator("li.layer[data-slug=facilities] .legend li")
    expect(facilities.first).to_be_visible()
    assert facilities.count() >= 7  # one per group of facilities, and "other"
    expect(webgl_page.locator("#generation option")).to_have_count(2)


def test_a_click_on_a_ward_shows_its_public_details(
    webgl_page, server_url, ben_thanh, browser_errors
):
    page: Page = webgl_page
    open_map(page, server_url, "layers=areas", f"15/{ben_thanh.lat}/{ben_thanh.lon}")
    page.locator("#map canvas").click()  # the centre: the ward's label point
    details = page.get_by_role("dialog")
    expect(details).to_be_visible()
    expect(details.locator("h2")).to_have_text(ben_thanh.name)
    expect(details).to_contain_text(ben_thanh.code)
    expect(details).to_be_focused()
    assert_accessible(page, "feature details")
    page.keyboard.press("Escape")
    expect(details).to_be_hidden()
    expect(page.locator("#map canvas")).to_be_focused()
    assert browser_errors == []


def test_toggles_and_the_generation_survive_a_reload(webgl_page, server_url):
    page: Page = webgl_page
    open_map(page, server_url)
    page.locator("#layer-facilities").uncheck()
    page.locator("#layer-ward_satisfaction").check()
    page.locator("#generation").select_option("2025-01")
    query = parse_qs(urlsplit(page.url).query)
    assert set(query["layers"][0].split(",")) >= {"ward_satisfaction", "areas"}
    assert "facilities" not in query["layers"][0].split(",")
    assert query["gen"] == ["2025-01"]
    page.reload()
    page.wait_for_selector("#map[data-state=ready]", timeout=LOAD_TIMEOUT_MS)
    expect(page.locator("#layer-facilities")).not_to_be_checked()
    expect(page.locator("#layer-ward_satisfaction")).to_be_checked()
    expect(page.locator("#generation")).to_have_value("2025-01")
    visibility = page.evaluate(
        "['facilities-points', 'ward_satisfaction-fill', 'areas-fill', 'former-areas-fill']"
        ".map((id) => window.commonMap.map.getLayoutProperty(id, 'visibility') ?? 'visible')"
    )
    assert visibility == ["none", "visible", "none", "visible"]
    assert "#map=" in page.url
