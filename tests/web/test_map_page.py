"""The public map page in a real Chromium: wards drawn, lookup on click, generations, search."""

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.gis.geos import Point
from playwright.sync_api import Page, expect

from layers.models import AdministrativeArea

pytestmark = pytest.mark.browser

CLICK_ZOOM = 16  # about 2 m a pixel: a click lands where the test means it to


@dataclass(frozen=True)
class Ward:
    """What the tests need to know about one ward, read from the database."""

    code: str
    name: str
    lon: float
    lat: float
    parents: tuple[str, ...]  # as the page lists them: "name (code)", nearest first


@pytest.fixture(scope="module")
def ben_thanh(read_db) -> Ward:
    """Phường Bến Thành of the current generation and its label point."""

    def query() -> Ward:
        area = AdministrativeArea.objects.select_related("parent").get(
            generation__valid_to__isnull=True, level="ward", name="Phường Bến Thành"
        )
        parents = []
        parent = area.parent
        while parent is not None:
            parents.append(f"{parent.name} ({parent.code})")
            parent = parent.parent
        return Ward(area.code, area.name, area.label_point.x, area.label_point.y, tuple(parents))

    return read_db(query)


def ward_count(server_url: str, **params: str) -> int:
    """How many wards the areas API has (for the default generation unless one is given)."""
    params = {"level": "ward", "page_size": "1", **params}
    answer = requests.get(f"{server_url}/api/v1/areas/", params=params, timeout=10)
    answer.raise_for_status()
    return answer.json()["count"]


def open_map(page: Page, server_url: str) -> None:
    """Load the map page and wait until the wards of the default generation are drawn."""
    page.goto(f"{server_url}/")
    page.wait_for_selector("#map[data-state=ready]")


def click_at(page: Page, lon: float, lat: float) -> dict:
    """Zoom to a place, click it, and return the lookup API's answer the page received."""
    page.evaluate(
        "([lat, lon, zoom]) => map.setView([lat, lon], zoom, { animate: false })",
        [lat, lon, CLICK_ZOOM],
    )
    x, y = page.evaluate(
        "([lat, lon]) => { const p = map.latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }",
        [lat, lon],
    )
    with page.expect_response(lambda r: "/api/v1/lookup/" in r.url) as lookup:
        page.locator("#map").click(position={"x": x, "y": y})
    response = lookup.value
    query = parse_qs(urlsplit(response.url).query)
    return {
        "status": response.status,
        "body": response.json(),
        "lon": float(query["lon"][0]),
        "lat": float(query["lat"][0]),
        "date": query["date"][0],
    }


def test_map_page_loads_without_console_errors(page, server_url, browser_errors):
    open_map(page, server_url)
    assert browser_errors == []


def test_map_draws_one_outline_per_ward_of_the_current_generation(page, server_url):
    expected = ward_count(server_url)

    open_map(page, server_url)

    assert page.locator("#map path.ward").count() == expected
    assert page.locator("#map").get_attribute("data-ward-count") == str(expected)


def test_map_page_requests_nothing_from_other_hosts(page, server_url):
    hosts = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))

    open_map(page, server_url)

    assert hosts == {urlsplit(server_url).netloc}


def test_generation_selector_defaults_to_the_current_generation(page, server_url):
    generations = requests.get(f"{server_url}/api/v1/generations/", timeout=10).json()
    (current,) = [g for g in generations if g["valid_to"] is None]

    open_map(page, server_url)

    assert page.locator("#generation").input_value() == current["slug"]
    assert page.locator("#generation option").count() == len(generations)


def test_map_says_the_ward_shapes_are_synthetic(page, server_url):
    open_map(page, server_url)
    expect(page.locator("#synthetic-notice")).to_be_visible()
    expect(page.locator("#synthetic-notice")).to_contain_text("giả lập")


def test_clicking_a_ward_shows_its_name_type_code_and_parents(page, server_url, ben_thanh):
    open_map(page, server_url)

    lookup = click_at(page, ben_thanh.lon, ben_thanh.lat)

    assert lookup["date"] == "2025-07-01"  # valid_from of the selected (current) generation
    result = page.locator("#lookup-result")
    expect(result.locator(".area-name")).to_have_text(ben_thanh.name)
    expect(result.locator('[data-slot="type"]')).to_have_text("Phường")
    expect(result.locator('[data-slot="code"]')).to_have_text(ben_thanh.code)
    expect(result.locator('[data-slot="parents"] li')).to_have_text(list(ben_thanh.parents))


def test_pre_reform_generation_shows_the_old_ward_and_its_district(
    page, server_url, ben_thanh, read_db
):
    open_map(page, server_url)
    page.select_option("#generation", "2025-01")
    page.wait_for_selector("#map[data-generation='2025-01'][data-state=ready]")
    assert page.locator("#map path.ward").count() == ward_count(server_url, generation="2025-01")

    lookup = click_at(page, ben_thanh.lon, ben_thanh.lat)

    assert lookup["date"] == "2025-01-01"
    clicked = Point(lookup["lon"], lookup["lat"], srid=4326)
    old_ward = read_db(
        lambda: AdministrativeArea.objects.select_related("parent").get(
            generation__slug="2025-01", level="ward", geom__contains=clicked
        )
    )
    assert old_ward.parent.level == "district"
    result = page.locator("#lookup-result")
    expect(result.locator(".area-name")).to_have_text(old_ward.name)
    expect(result.locator('[data-slot="code"]')).to_have_text(old_ward.code)
    expect(result.locator('[data-slot="parents"]')).to_contain_text(old_ward.parent.name)


def test_click_outside_every_area_shows_the_api_message(page, server_url):
    open_map(page, server_url)

    lookup = click_at(page, 108.5, 9.5)  # the East Sea, far from Côn Đảo

    assert lookup["status"] == 404
    expect(page.locator("#lookup-result")).to_have_text(lookup["body"]["detail"])
    expect(page.locator("#lookup-result .error")).to_be_visible()


def test_search_without_diacritics_finds_the_ward_and_zooms_to_it(page, server_url, ben_thanh):
    open_map(page, server_url)
    zoom_before = page.evaluate("map.getZoom()")

    page.fill("#search-q", "Ben Thanh")
    page.press("#search-q", "Enter")

    expect(page.locator("#search-results li").first).to_contain_text(ben_thanh.name)
    expect(page.locator("#map path.ward.is-selected")).to_have_count(1)
    page.wait_for_function(
        "([lat, lon, zoom]) => map.getZoom() > zoom + 3 && map.getBounds().contains([lat, lon])",
        arg=[ben_thanh.lat, ben_thanh.lon, zoom_before],
    )


def test_map_texts_follow_the_browsers_language(en_page, server_url):
    open_map(en_page, server_url)

    expect(en_page.locator("html")).to_have_attribute("lang", "en")
    expect(en_page.locator("#synthetic-notice")).to_contain_text("synthetic")
    expect(en_page.locator("#map-status")).to_have_text(
        f"{ward_count(server_url)} ward-level units drawn."
    )
