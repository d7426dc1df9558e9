"""The resident's token on the map page (resident.js), in Chromium: handed by the embedding
app through postMessage, kept in sessionStorage only (never localStorage, never in a URL),
an expired one treated as none, and forgotten on request."""

import pytest
from playwright.sync_api import expect

from tests.web.here_places import choose_place, open_map, requests_of, two_wards

pytestmark = pytest.mark.browser
STORAGE_KEY = "commonmap.resident_token"


@pytest.fixture(scope="module")
def places(read_db):
    """Two neighbouring current wards with a point inside each."""
    return read_db(two_wards)


def test_a_token_posted_by_the_embedding_app_signs_the_resident_in(
    webgl_page, server_url, resident_idp, places, browser_errors
):
    page = webgl_page
    sent = requests_of(page)
    open_map(page, server_url)
    choose_place(page, places[0])
    submit = page.locator("#here-rate button[type=submit]")
    expect(submit).to_be_disabled()
    token = resident_idp.token("here-embedded-1")
    page.evaluate(
        "token => window.postMessage({type: 'commonmap:resident-token', token}, location.origin)",
        token,
    )
    expect(page.locator("#here-signed-in")).to_be_visible()
    expect(submit).to_be_enabled()
    assert page.evaluate(f"sessionStorage.getItem('{STORAGE_KEY}')") == token
    assert page.evaluate("localStorage.length") == 0
    assert all(token not in url for _method, url, _headers in sent)
    assert browser_errors == []


def test_a_message_of_another_kind_or_without_a_token_is_ignored(
    webgl_page, server_url, browser_errors
):
    page = webgl_page
    open_map(page, server_url)
    page.evaluate(
        "() => { window.postMessage({type: 'something-else', token: 'a.b.c'}, location.origin);"
        " window.postMessage({type: 'commonmap:resident-token'}, location.origin); }"
    )
    expect(page.locator("#here-signed-out")).to_be_visible()
    assert page.evaluate(f"sessionStorage.getItem('{STORAGE_KEY}')") is None
    assert browser_errors == []


def test_an_expired_token_in_the_fragment_counts_as_none(
    webgl_page, server_url, resident_idp, places, browser_errors
):
    page = webgl_page
    open_map(page, server_url, resident_idp.token("here-expired", lifetime_s=-60))
    assert "resident_token" not in page.url
    expect(page.locator("#here-signed-out")).to_be_visible()
    choose_place(page, places[0])
    expect(page.locator("#here-rate button[type=submit]")).to_be_disabled()
    assert browser_errors == []


def test_forgetting_the_sign_in_removes_the_token(
    webgl_page, server_url, resident_idp, browser_errors
):
    page = webgl_page
    open_map(page, server_url, resident_idp.token("here-forgetful"))
    forget = page.locator("#here-forget")
    expect(forget).to_be_visible()
    forget.click()
    expect(page.locator("#here-signed-out")).to_be_visible()
    expect(forget).to_be_hidden()
    assert page.evaluate(f"sessionStorage.getItem('{STORAGE_KEY}')") is None
    assert browser_errors == []
