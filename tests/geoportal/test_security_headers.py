"""Content-Security-Policy on every answer, framing by the configured ancestors instead of
``X-Frame-Options: DENY``, and the OGC landing page at ``/ogc`` as well as ``/ogc/``."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
APP = "https://app.example.vn"


def directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    parts = [p.strip() for p in policy.split(";")]
    return {p.split(" ", 1)[0]: p.split(" ", 1)[1] for p in parts}


def nonce_of(response) -> str:
    (nonce,) = re.findall(r"'nonce-([^']+)'", directives(response)["script-src"])
    return nonce


def test_the_map_page_has_the_page_policy(client):
    response = client.get("/")
    assert response.status_code == 200
    policy = directives(response)
    assert policy["default-src"] == "'self'"
    assert policy["script-src"].startswith("'self' 'nonce-")
    assert "'unsafe-inline'" not in policy["script-src"]
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'self'"
    assert policy["frame-ancestors"] == "'self'"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_each_request_gets_its_own_nonce(client):
    assert nonce_of(client.get("/")) != nonce_of(client.get("/"))


def test_inline_scripts_of_the_ogc_pages_carry_the_nonce(client):
    response = client.get("/ogc/api?f=html")
    assert response.status_code == 200
    html = response.content.decode()
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline, "the page has an inline script"
    assert all(f'nonce="{nonce_of(response)}"' in attributes for attributes in inline)


def test_swagger_ui_has_no_inline_script(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()


def test_redoc_loads_no_fonts_from_other_sites(client):
    response = client.get("/api/redoc/")
    assert response.status_code == 200
    assert "fonts.googleapis.com" not in response.content.decode()


@pytest.mark.parametrize(
    "path", ["/api/v1/generations/", "/tiles/style.json", "/healthz", "/ogc/conformance"]
)
def test_documents_that_are_not_pages_run_nothing(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'self'"


def test_the_admin_has_a_policy_for_the_map_widget(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    policy = directives(response)
    assert policy["script-src"] == "'self' 'unsafe-inline' https://cdn.jsdelivr.net"
    assert "https://tile.openstreetmap.org" in policy["img-src"]
    assert policy["frame-ancestors"] == "'self'"


@override_settings(CSP_FRAME_ANCESTORS=["'self'", APP])
def test_the_citys_app_may_frame_the_map(client):
    response = client.get("/")
    assert directives(response)["frame-ancestors"] == f"'self' {APP}"
    assert not response.has_header("X-Frame-Options")  # it cannot name another site


@override_settings(CSP_FRAME_ANCESTORS=["'none'"])
def test_no_ancestors_means_no_framing_at_all(client):
    response = client.get("/")
    assert directives(response)["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"


def test_frame_ancestors_come_from_the_environment():
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "COMMONMAP_"))}
    code = (
        "import django; from django.conf import settings; django.setup(); "
        "print(settings.CSP_FRAME_ANCESTORS)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "geoportal.settings",
            "COMMONMAP_ENV_FILE": "",
            "COMMONMAP_DEV": "1",
            "COMMONMAP_FRAME_ANCESTORS": f"self, {APP}",
        },
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"[\"'self'\", '{APP}']"


# --- /ogc without the slash ----------------------------------------------------------


def test_ogc_without_slash_is_the_landing_page_not_a_redirect(client):
    response = client.get("/ogc?f=json")
    assert response.status_code == 200
    body = response.json()
    assert body == client.get("/ogc/?f=json").json()
    hrefs = {link["rel"]: link["href"] for link in body["links"]}
    assert hrefs["data"] == "http://testserver/ogc/collections?f=json"
    assert hrefs["conformance"] == "http://testserver/ogc/conformance?f=json"


def test_ogc_without_slash_as_html(client):
    response = client.get("/ogc", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert 'href="http://testserver/ogc/collections' in response.content.decode()


def test_the_favicon_browsers_ask_for_is_the_sites_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/geoportal/favicon.svg"


def test_a_script_may_fetch_from_this_site_only_when_it_runs_as_a_worker(client):
    # A worker runs under its script's own policy (MapLibre's fetches the tiles): that
    # policy lets it reach this site, and nothing else.
    response = client.get("/api/docs/?script=")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(("text/javascript", "application/javascript"))
    policy = directives(response)
    assert policy["default-src"] == "'none'"
    assert policy["connect-src"] == "'self'"
    assert "script-src" not in policy and policy["frame-ancestors"] == "'self'"
