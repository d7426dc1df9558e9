"""The citizens' map without WebGL: Leaflet draws MapProxy's raster tiles (the basemap and
the wards) under the GeoJSON layers one clicks on; MapProxy runs on the test server's data
(the ``mapproxy_url`` fixture), its tiles are read back here with Pillow."""

import io

import pytest
import requests
from PIL import Image
from playwright.sync_api import Page, expect

from tests.web.helpers import SIZES, assert_accessible, save_screenshots
from tests.web.map_helpers import NO_WEBGL, ben_thanh, open_map, requests_of

pytestmark = pytest.mark.browser

__all__ = ["ben_thanh"]  # a fixture

TILE_TIMEOUT_MS = 60_000  # MapProxy renders (and caches) each tile on first request
LOADED = "() => document.querySelectorAll('#map .raster-NAME img.leaflet-tile-loaded').length > 0"


def _colours(png: bytes) -> int:
    """How many different colours a tile image has (1: blank)."""
    image = Image.open(io.BytesIO(png)).convert("RGBA")
    return len(image.getcolors(maxcolors=1 << 16) or range(1 << 16))


@pytest.fixture
def fallback_page(page: Page) -> Page:
    """A page that believes the device has no WebGL, at a phone's width."""
    page.add_init_script(NO_WEBGL)
    page.set_viewport_size(SIZES["phone"])
    return page


def test_the_fallback_draws_mapproxys_raster_tiles_on_a_phone(
    fallback_page, server_url, mapproxy_url, ben_thanh, browser_errors
):
    page = fallback_page
    urls = requests_of(page)
    tiles: list[tuple[str, int, str]] = []
    page.on(
        "response",
        lambda r: (
            tiles.append((r.url, r.status, r.headers.get("content-type", "")))
            if r.url.startswith(mapproxy_url)
            else None
        ),
    )
    view = f"14/{ben_thanh.lat}/{ben_thanh.lon}"
    open_map(page, server_url, query="layers=areas,facilities", view=view)
    expect(page.locator("#map")).to_have_attribute("data-engine", "leaflet")
    assert page.locator("#map").get_attribute("data-mapproxy-url") == mapproxy_url
    for name in ("basemap", "areas"):
        page.wait_for_function(LOADED.replace("NAME", name), timeout=TILE_TIMEOUT_MS)
    asked = {url.split("/tiles/")[1].split("/")[0] for url, _, _ in tiles}
    assert {"basemap", "areas"} <= asked, tiles
    assert tiles and all(status == 200 and kind == "image/png" for _, status, kind in tiles), tiles
    # Not blank: the basemap's land and sea, the wards' outlines.
    for name in ("basemap", "areas"):
        url = next(u for u, _, _ in tiles if f"/tiles/{name}/" in u)
        assert _colours(requests.get(url, timeout=30).content) > 2, url
    # The facilities stay clickable GeoJSON on top, filtered like the vector map.
    expect(page.locator("#map path.leaflet-interactive").first).to_be_attached()
    assert all(url.startswith(("http://127.0.0.1:", "data:", "blob:")) for url in urls), urls
    assert_accessible(page, "fallback map on MapProxy tiles")
    save_screenshots(page, "map-fallback-mapproxy")
    assert browser_errors == []


def test_the_fallback_filters_facilities_by_category(
    fallback_page, server_url, mapproxy_url, ben_thanh, browser_errors
):
    page = fallback_page
    view = f"14/{ben_thanh.lat}/{ben_thanh.lon}"
    open_map(page, server_url, query="layers=facilities", view=view)
    markers = page.locator("#map path.leaflet-interactive")
    expect(markers.first).to_be_attached()
    before = markers.count()
    boxes = page.locator(".category-filter input[type=checkbox]")
    for index in range(boxes.count()):
        boxes.nth(index).uncheck()
    expect(markers).to_have_count(0)
    assert "fac=" in page.url
    for index in range(boxes.count()):
        boxes.nth(index).check()
    expect(markers).to_have_count(before)
    assert "fac=" not in page.url
    assert browser_errors == []
