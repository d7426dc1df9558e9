"""The Report tab in Chromium (MapLibre through SwiftShader): a point picked on the map, a
category, a description and a photo resized in the browser become a report in the ward the
lookup API names for that point; an ambiguous address lists every candidate; a point outside
the city shows the API's 400 next to the place and keeps what was typed; a phone user sends
a report with the keyboard only."""

import io
import re
from urllib.parse import urlsplit

import pytest
import requests
from django.db import connection
from PIL import Image
from playwright.sync_api import Page, expect

from feedback.models import FeedbackItem
from tests.committed_reports import LOOPBACK, remove_items
from tests.web.helpers import assert_accessible, save_screenshots, tab_to

pytestmark = pytest.mark.browser

MARK = "(thử trang báo cáo)"  # in every description these tests send, to delete them after
CATEGORY = "rac-thai"
OUTSIDE = (105.0, 10.0)  # in the Mekong delta, outside every ward of the city
TILE = re.compile(r"/tiles/[^?]*\.mvt(\?|$)")


@pytest.fixture(scope="module")
def ward_point(read_db) -> dict:
    """A point well inside Phường Bến Thành (current generation) and that ward."""

    def find() -> dict:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT ST_X(p), ST_Y(p), a.code, a.name FROM layers_administrativearea a "
                "JOIN layers_boundarygeneration g ON g.id = a.generation_id "
                "CROSS JOIN LATERAL (SELECT ST_PointOnSurface(a.geom) AS p) inner_point "
                "WHERE g.valid_to IS NULL AND a.level = 'ward' AND a.name = 'Phường Bến Thành'"
            )
            lon, lat, code, name = cursor.fetchone()
        return {"lon": lon, "lat": lat, "code": code, "name": name}

    return read_db(find)


@pytest.fixture
def sent_reports(read_db):
    """The reports these tests send, removed afterwards with all they wrote (the browser
    sends them anonymously from the loopback address, whose rate-limit windows go too)."""
    yield
    reports = FeedbackItem.objects.filter(description__contains=MARK)
    read_db(lambda: remove_items(reports, callers=[LOOPBACK]))


def photo_png(width: int = 3000, height: int = 2000) -> bytes:
    """A PNG larger than the page's resize limit (a gradient, so it is a real picture)."""
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def stored(read_db, code: str) -> dict:
    """The report as stored: its ward, exact point and photos' sizes."""

    def read() -> dict:
        item = FeedbackItem.objects.select_related("ward").get(tracking_code=code)
        return {
            "ward": item.ward.code,
            "lon": item.geom.x,
            "lat": item.geom.y,
            "photos": [(p.width, p.height, p.content_type) for p in item.photos.all()],
            "description": item.description,
            "category": item.category.code,
        }

    return read_db(read)


def outside_hosts(page: Page) -> list[str]:
    """Collects the URL of every request that would leave 127.0.0.1."""
    left: list[str] = []
    page.on(
        "request",
        lambda r: (
            left.append(r.url)
            if urlsplit(r.url).hostname not in (None, "127.0.0.1") and not r.url.startswith("data:")
            else None
        ),
    )
    return left


def quiet_tiles(page: Page) -> None:
    """Vector tiles answered empty (204, as for an empty tile): these tests are about the
    Report tab, and building a screenful of z16 tiles on a loaded test machine can take longer
    than the browser waits; the map core's own tests check the tiles."""
    page.route(TILE, lambda route: route.fulfill(status=204))


def real_errors(errors: list[str]) -> list[str]:
    """The page's errors but the tile requests MapLibre cancels itself when the map moves."""
    return [
        e
        for e in errors
        if not (e.startswith("failed: ") and TILE.search(e.split()[1]) and "ERR_ABORTED" in e)
    ]


def open_map(page: Page, server_url: str, lon: float, lat: float, zoom: int) -> None:
    """The map page centred on (lon, lat), drawn."""
    quiet_tiles(page)
    page.goto(f"{server_url}/#map={zoom}/{lat}/{lon}")
    expect(page.locator("#map")).to_have_attribute("data-state", "ready", timeout=30000)


def open_report_tab(page: Page, server_url: str, lon: float, lat: float, zoom: int = 16) -> None:
    """The map centred on (lon, lat), drawn, with the Report tab shown."""
    open_map(page, server_url, lon, lat, zoom)
    page.locator("#tab-report").click()
    expect(page.locator("#panel-report")).to_be_visible()
    expect(page.locator(f"#report-category option[value={CATEGORY}]")).to_be_attached()


def test_a_report_picked_on_the_map_with_a_photo_lands_in_the_lookups_ward(
    webgl_page, server_url, ward_point, read_db, sent_reports, browser_errors
):
    page = webgl_page
    left = outside_hosts(page)
    open_report_tab(page, server_url, ward_point["lon"], ward_point["lat"])

    page.locator("#report-pick").click()
    expect(page.locator("#map-prompt")).to_be_visible()
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator("#report-place")).to_contain_text(ward_point["name"])

    page.locator("#report-category").select_option(CATEGORY)
    page.locator("#report-description").fill(f"Rác đổ trên vỉa hè {MARK}")
    page.locator("#report-photos").set_input_files(
        {"name": "via-he.png", "mimeType": "image/png", "buffer": photo_png()}
    )
    expect(page.locator("#report-previews img")).to_have_count(1)
    expect(page.locator("#report-previews .remove-photo")).to_have_count(1)
    assert_accessible(page, "report: form filled")
    save_screenshots(page, "report")

    with page.expect_response(lambda r: r.url.endswith("/api/v1/feedback/items/")) as answer:
        page.locator("#report-send").click()
    assert answer.value.status == 201, answer.value.text()
    sent = page.locator("#report-sent")
    expect(sent).to_be_visible()
    code = sent.get_attribute("data-code")
    expect(page.locator("#report-sent-text")).to_contain_text(code)
    expect(page.locator("#report-sent-link")).to_have_attribute("href", f"/track/{code}/")
    assert_accessible(page, "report: sent")
    save_screenshots(page, "report-sent")

    item = stored(read_db, code)
    lookup = requests.get(
        f"{server_url}/api/v1/lookup/", params={"lon": item["lon"], "lat": item["lat"]}, timeout=30
    ).json()
    assert item["ward"] == lookup["area"]["code"] == ward_point["code"]
    assert item["category"] == CATEGORY
    # Resized in the browser: 3000x2000 became at most 1600 px on its longest side (the API
    # itself would keep up to 2560), re-encoded as JPEG.
    assert item["photos"] == [(1600, 1067, "image/jpeg")]
    assert abs(item["lon"] - ward_point["lon"]) < 0.001
    assert abs(item["lat"] - ward_point["lat"]) < 0.001
    assert left == []
    assert real_errors(browser_errors) == []


def test_an_ambiguous_address_lists_every_candidate_and_one_is_chosen(
    webgl_page, server_url, ward_point, browser_errors
):
    page = webgl_page
    expected = requests.get(
        f"{server_url}/api/v1/feedback/places/", params={"q": "cho"}, timeout=30
    ).json()
    assert expected["status"] == "ambiguous"
    open_report_tab(page, server_url, ward_point["lon"], ward_point["lat"], zoom=13)

    page.locator("#report-address").fill("cho")
    page.locator("#report-find").click()
    candidates = page.locator("#report-candidates button")
    expect(candidates).to_have_count(len(expected["candidates"]))
    labels = [c["label"] for c in expected["candidates"]]
    assert candidates.all_inner_texts() == labels
    assert_accessible(page, "report: ambiguous address")

    second = expected["candidates"][1]
    candidates.nth(1).click()
    expect(page.locator("#report-candidates")).to_be_hidden()
    expect(page.locator("#report-place")).to_contain_text(second["ward_name"])
    assert real_errors(browser_errors) == []


def test_a_point_outside_the_city_shows_the_apis_message_and_keeps_the_form(
    webgl_page, server_url, sent_reports, browser_errors
):
    page = webgl_page
    lon, lat = OUTSIDE
    open_report_tab(page, server_url, lon, lat, zoom=14)
    page.locator("#report-category").select_option(CATEGORY)
    page.locator("#report-description").fill(f"Ngoài thành phố {MARK}")
    page.locator("#report-name").fill("Trần Thị Thử")
    page.locator("#report-consent").check()

    page.locator("#report-pick").click()
    expect(page.locator("#map-prompt")).to_be_visible()
    page.keyboard.press("Enter")  # the crosshair at the map's centre
    expect(page.locator("#report-place")).to_contain_text("10.00000")

    with page.expect_response(lambda r: r.url.endswith("/api/v1/feedback/items/")) as answer:
        page.locator("#report-send").click()
    assert answer.value.status == 400
    body = answer.value.json()
    assert body["parameter"] == "location"
    error = page.locator("#report-location-error")
    expect(error).to_have_text(body["detail"])
    expect(error).to_have_attribute("role", "alert")
    # Nothing typed is lost.
    expect(page.locator("#report-form")).to_be_visible()
    expect(page.locator("#report-description")).to_have_value(f"Ngoài thành phố {MARK}")
    expect(page.locator("#report-category")).to_have_value(CATEGORY)
    expect(page.locator("#report-name")).to_have_value("Trần Thị Thử")
    assert_accessible(page, "report: outside the city")
    # The expected answers: the submission's 400, and the APIs asked about that point (the
    # lookup's 404: no ward there; the Here tab's questions about it); nothing else.
    about_the_point = r"^4\d\d: .*/api/v1/.*lon=105(\.0+)?&lat=10(\.0+)?"
    unexpected = [
        e
        for e in real_errors(browser_errors)
        if not re.match(about_the_point, e)
        and not re.match(r"^400: .*/api/v1/feedback/items/$", e)
        and "Failed to load resource" not in e
    ]
    assert unexpected == []


def test_a_phone_user_sends_a_report_with_the_keyboard_only(
    webgl_page, server_url, ward_point, read_db, sent_reports, browser_errors
):
    page = webgl_page
    page.set_viewport_size({"width": 360, "height": 740})
    open_map(page, server_url, ward_point["lon"], ward_point["lat"], zoom=13)

    tab_to(page, "#tab-layers")
    for _ in range(3):
        page.keyboard.press("ArrowRight")  # Layers → Search → Here → Report
    expect(page.locator("#panel-report")).to_be_visible()
    tab_to(page, "#report-address")
    page.keyboard.type("ben thanh")
    page.keyboard.press("Enter")
    expect(page.locator("#report-place")).to_contain_text("Phường Bến Thành")

    tab_to(page, "#report-category")
    page.keyboard.type("R")  # the first category starting with R(ác thải)
    expect(page.locator("#report-category")).to_have_value(CATEGORY)
    page.keyboard.press("Tab")
    page.keyboard.type(f"Rác ở góc đường {MARK}")
    tab_to(page, "#report-send")
    with page.expect_response(lambda r: r.url.endswith("/api/v1/feedback/items/")) as answer:
        page.keyboard.press("Enter")
    assert answer.value.status == 201, answer.value.text()
    sent = page.locator("#report-sent")
    expect(sent).to_be_visible()
    expect(sent).to_be_focused()
    code = sent.get_attribute("data-code")
    item = stored(read_db, code)
    assert item["ward"] == ward_point["code"]
    assert item["photos"] == []
    assert_accessible(page, "report: sent on a phone")
    assert real_errors(browser_errors) == []
