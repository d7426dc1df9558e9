"""The Here tab in Chromium: a resident (a token of the local identity provider handed in the
URL fragment, as the city's app does) sees the ward of a place and its satisfaction, rates
it, changes the rating (still one), by keyboard on a 360-px phone too; without a token the
form explains how to sign in and sends nothing."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from ratings.models import WardRating
from tests.web.helpers import assert_accessible
from tests.web.here_places import (
    choose_place,
    message_pattern,
    open_map,
    requests_of,
    save_section_screenshots,
    two_wards,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def places(read_db):
    """Two neighbouring current wards with a point inside each."""
    return read_db(two_wards)


@pytest.fixture
def no_new_ratings(read_db, places):
    """Delete the ratings this test sends (ratings of the two wards made during it)."""
    codes = [place.code for place in places]
    before = set(read_db(lambda: list(WardRating.objects.values_list("pk", flat=True))))
    yield
    read_db(lambda: WardRating.objects.filter(ward__code__in=codes).exclude(pk__in=before).delete())


def ratings_in(read_db, code: str) -> list[tuple[str, int, str]]:
    """(ward code, overall, comment) of the ratings of ward ``code``."""
    rows = WardRating.objects.filter(ward__code=code).select_related("ward").order_by("pk")
    return read_db(lambda: [(r.ward.code, r.overall, r.comment) for r in rows])


def test_a_resident_rates_the_ward_of_a_point_and_changing_it_keeps_one_rating(
    webgl_page, server_url, resident_idp, read_db, places, no_new_ratings, browser_errors
):
    page = webgl_page
    place, _other = places
    token = resident_idp.token("here-rater-1")
    sent = requests_of(page)
    open_map(page, server_url, token)
    # The token left the address bar at once; the map's own fragment stayed.
    assert "resident_token" not in page.url
    assert "map=" in urlsplit(page.url).fragment
    expect(page.locator("#here-signed-in")).to_be_visible()

    choose_place(page, place)
    expect(page.locator("#here-satisfaction")).to_have_text(message_pattern(page, "not-enough"))
    rate = page.locator("#here-rate")
    rate.get_by_role("radio", name="4").check()
    aspects = rate.locator("select[data-aspect]")
    if aspects.count():
        aspects.first.select_option("5")
    rate.locator("#here-comment").fill("Đường sạch sẽ")
    rate.locator("button[type=submit]").click()
    expect(page.locator("#here-rate-status")).to_have_text(message_pattern(page, "rated"))
    assert ratings_in(read_db, place.code) == [(place.code, 4, "Đường sạch sẽ")]
    assert_accessible(page, "here: ward rated")
    save_section_screenshots(page, "here-ward", "#here-ward")

    rate.get_by_role("radio", name="2").check()
    rate.locator("button[type=submit]").click()
    expect(page.locator("#here-rate-status")).to_have_text(message_pattern(page, "rated-again"))
    assert ratings_in(read_db, place.code) == [(place.code, 2, "Đường sạch sẽ")]

    posts = [(url, headers) for method, url, headers in sent if method == "POST"]
    assert len(posts) == 2
    assert all(headers["authorization"] == f"Bearer {token}" for _url, headers in posts)
    assert all(token not in url for _method, url, _headers in sent)  # never in a URL
    assert {urlsplit(url).hostname for _m, url, _h in sent if url.startswith("http")} == {
        "127.0.0.1"
    }
    assert browser_errors == []


def test_rating_by_keyboard_only_on_a_360_px_phone(
    webgl_page, server_url, resident_idp, read_db, places, no_new_ratings, browser_errors
):
    page = webgl_page
    _place, place = places
    open_map(page, server_url, resident_idp.token("here-rater-2"), width=360)
    choose_place(page, place)
    rate = page.locator("#here-rate")
    expect(rate).to_be_visible()
    # Into the radio group with the keyboard: arrows choose a score, Tab leaves the group.
    rate.get_by_role("radio", name="1").focus()
    page.keyboard.press("Space")
    for _ in range(2):
        page.keyboard.press("ArrowRight")
    expect(rate.get_by_role("radio", name="3")).to_be_checked()
    rate.locator("#here-comment").focus()
    page.keyboard.type("Ổn")
    page.keyboard.press("Tab")
    expect(rate.locator("button[type=submit]")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#here-rate-status")).to_have_text(message_pattern(page, "rated"))
    assert ratings_in(read_db, place.code) == [(place.code, 3, "Ổn")]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways at 360 px ({width} px wide)"
    assert_accessible(page, "here: phone")
    assert browser_errors == []


def test_without_a_token_the_form_explains_sign_in_and_sends_nothing(
    webgl_page, server_url, places, browser_errors
):
    page = webgl_page
    sent = requests_of(page)
    open_map(page, server_url)
    expect(page.locator("#here-signed-out")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "vi"
    choose_place(page, places[0])
    rate = page.locator("#here-rate")
    expect(rate.locator("[data-signed-out-note]")).to_be_visible()
    expect(rate.locator("button[type=submit]")).to_be_disabled()
    rate.get_by_role("radio", name="5").check()
    rate.evaluate("form => form.requestSubmit()")  # even forced, nothing is sent
    expect(page.locator("#here-rate-status")).to_have_text("")
    assert_accessible(page, "here: signed out")
    assert [url for method, url, _h in sent if method != "GET"] == []
    assert browser_errors == []


def test_a_refused_token_shows_the_api_reason_and_signs_out(
    webgl_page, server_url, resident_idp, places, no_new_ratings, browser_errors
):
    page = webgl_page
    open_map(page, server_url, resident_idp.token("here-rater-3", aud="another-app"))
    choose_place(page, places[0])
    rate = page.locator("#here-rate")
    rate.get_by_role("radio", name="3").check()
    rate.locator("button[type=submit]").click()
    expect(page.locator("#here-rate-error")).not_to_be_empty()
    expect(page.locator("#here-signed-out")).to_be_visible()
    expect(rate.locator("button[type=submit]")).to_be_disabled()
    assert_accessible(page, "here: token refused")
    assert [e for e in browser_errors if "401" not in e] == []


def test_a_point_picked_on_the_map_shows_its_ward_here(
    webgl_page, server_url, resident_idp, places, browser_errors
):
    page = webgl_page
    place = places[0]
    view = f"15/{place.lat:.6f}/{place.lon:.6f}"
    open_map(page, server_url, resident_idp.token("here-picker"), view=view)
    page.locator("#whereami-pick").click()
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator("#here-ward-name")).to_contain_text(place.code)
    expect(page.locator("#here-rate button[type=submit]")).to_be_enabled()
    assert browser_errors == []
