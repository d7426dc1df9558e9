"""The Swagger UI at /api/docs/ in a real Chromium: its self-hosted assets load and render."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_swagger_ui_renders_the_lookup_operation(page, server_url, browser_errors):
    page.goto(f"{server_url}/api/docs/")

    lookup = page.locator('.opblock-summary-path[data-path="/api/v1/lookup/"]')
    expect(lookup.first).to_be_visible()
    assert browser_errors == []
