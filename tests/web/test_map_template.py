"""The map page's HTML: Vietnamese first, English when asked, the contract's tabs, panels and
scripts in place, and nothing inline for the Content-Security-Policy to refuse."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_map_page_is_vietnamese_without_a_language_preference(vi_client):
    html = vi_client.get("/").content.decode()
    assert '<html lang="vi">' in html
    assert "được dựng giả lập" in html


def test_map_page_is_english_when_asked(client):
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "the ward shapes on this map are synthetic" in html
    assert "Find a ward (old names too), a facility or a place" in html


def test_the_tabs_panels_and_scripts_of_the_contract_are_there(client):
    html = client.get("/").content.decode()
    for name in ("layers", "search", "here", "report"):
        assert f'id="tab-{name}"' in html and f'id="panel-{name}"' in html
    for script in ("map.js", "here.js", "report.js", "maplibre-gl-csp.js"):
        assert re.search(rf'<script src="[^"]*{re.escape(script)}"', html), script
    assert 'data-worker-url="/static/vendor/maplibre-gl/maplibre-gl-csp-worker.js"' in html
    assert 'id="here"' in html and 'id="report-form"' in html


def test_the_page_has_no_inline_script_or_handler(client):
    html = client.get("/").content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert not re.search(r"\son[a-z]+=", html)


def test_the_nearest_facility_kinds_are_named_in_the_pages_language(client, vi_client):
    assert '<option value="cho">Market</option>' in client.get("/").content.decode()
    assert '<option value="cho">Chợ</option>' in vi_client.get("/").content.decode()
