"""The map page names MapProxy (``COMMONMAP_MAPPROXY_URL``) for its no-WebGL fallback, and
its Content-Security-Policy lets images come from MapProxy's origin, only that and only
when it is set."""

import pytest

from tests.geoportal.test_security_headers import directives

pytestmark = pytest.mark.django_db


@pytest.fixture
def mapproxy_at(settings):
    """Set COMMONMAP_MAPPROXY_URL for one test."""

    def configure(url: str) -> None:
        settings.COMMONMAP = {**settings.COMMONMAP, "MAPPROXY_URL": url}

    return configure


def test_the_map_page_may_show_mapproxys_tiles_and_no_other_sites(client, mapproxy_at):
    mapproxy_at("https://tiles.example.gov.vn/mapproxy/")
    response = client.get("/")
    assert directives(response)["img-src"] == "'self' data: blob: https://tiles.example.gov.vn"
    assert 'data-mapproxy-url="https://tiles.example.gov.vn/mapproxy"' in response.text


def test_without_mapproxy_the_page_shows_only_its_own_images(client, mapproxy_at):
    mapproxy_at("")
    response = client.get("/")
    assert directives(response)["img-src"] == "'self' data: blob:"
    assert 'data-mapproxy-url=""' in response.text


def test_json_answers_never_name_mapproxy(client, mapproxy_at):
    mapproxy_at("https://tiles.example.gov.vn")
    response = client.get("/api/layers/")
    assert "tiles.example.gov.vn" not in response["Content-Security-Policy"]
