"""The site's HTML pages still work under the Content-Security-Policy, in a real Chromium: a
refused script, style, image, font or worker would be a console error (``browser_errors``)."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


# ReDoc's bundle shows its maker's logo from their site: refused, as everything from
# elsewhere is (and unreachable offline anyway). Nothing else may be refused.
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


def test_redoc_renders_the_api(page, server_url, browser_errors):
    page.goto(f"{server_url}/api/redoc/")
    expect(page.locator("h1").first).to_contain_text("Common Map API", timeout=30_000)
    expect(page.get_by_text("/api/v1/lookup/").first).to_be_attached()
    assert [error for error in browser_errors if REDOC_LOGO not in error] == []


def test_the_browsable_api_renders(page, server_url, browser_errors):
    page.goto(f"{server_url}/api/v1/generations/")
    expect(page.locator(".response-info")).to_contain_text("2025-07")
    # Its page names no icon, so Chromium's /favicon.ico is a 404: only the policy matters here.
    refused = [e for e in browser_errors if "Content Security Policy" in e or " csp" in e]
    assert refused == [] and not any(e.startswith("exception") for e in browser_errors)


def test_the_ogc_api_definition_page_runs_its_nonced_script(page, server_url, browser_errors):
    page.goto(f"{server_url}/ogc/api?f=html")
    expect(page.locator("#swagger-ui .opblock").first).to_be_visible()
    assert browser_errors == []


def test_the_ogc_items_page_draws_its_map(page, server_url, browser_errors):
    page.goto(f"{server_url}/ogc/collections/areas/items?f=html&limit=5&level=ward")
    expect(page.locator("#map.leaflet-container path.leaflet-interactive").first).to_be_attached()
    assert browser_errors == []


def test_the_admin_login_page_renders(page, server_url, browser_errors):
    page.goto(f"{server_url}/admin/login/")
    expect(page.locator("#id_username")).to_be_visible()
    assert browser_errors == []


def test_the_tracking_form_renders(page, server_url, browser_errors):
    page.goto(f"{server_url}/track/")
    expect(page.locator("form.lookup input[name=code]")).to_be_visible()
    assert browser_errors == []
