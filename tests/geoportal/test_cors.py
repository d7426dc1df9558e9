"""One CORS policy for every public path (django-cors-headers, configured in settings).

A map or an app on another origin reads the APIs, the OGC service, the tiles, Open311 and
the health check; its preflights are answered; the pages of the site itself are not shared.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from tests.tiles.xyz import tile_of

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
ORIGIN = "https://app.example.vn"
EXPOSED = "ETag, Location, Link, Content-Crs, Limit-Capped, Retry-After, Idempotent-Replayed"
TILE = "/tiles/areas/12/{}/{}.mvt".format(*tile_of(106.7009, 10.7769, 12))

PUBLIC_PATHS = [
    "/api/v1/generations/",
    "/api/v1/layers/areas/features/?page_size=1",
    "/api/schema/",
    "/ogc",
    "/ogc/",
    "/ogc/collections/facilities/items?limit=1",
    "/tiles/style.json",
    "/tiles/areas.json",
    TILE,
    "/open311/v2/services.json",
    "/healthz",
]


def _vary(response) -> set[str]:
    return {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_public_path_is_shared_with_any_origin(client, path):
    response = client.get(path, headers={"origin": ORIGIN})
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Expose-Headers"] == EXPOSED
    assert not response.has_header("Access-Control-Allow-Credentials")


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_preflight_of_a_public_path_is_answered(client, path):
    response = client.options(
        path,
        headers={
            "origin": ORIGIN,
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type, idempotency-key, x-api-key",
        },
    )
    assert response.status_code == 200
    assert response.content == b""
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS, POST"
    assert response["Access-Control-Allow-Headers"] == (
        "accept, accept-language, authorization, content-type, idempotency-key, "
        "if-none-match, x-api-key"
    )
    assert response["Access-Control-Max-Age"] == "86400"


def test_errors_of_public_paths_are_shared_too(client):
    """A client on another origin must be able to read why it was refused."""
    for path in ("/tiles/nope/3/6/3.mvt", "/api/v1/lookup/?lon=x&lat=1", "/ogc/collections/x"):
        response = client.get(path, headers={"origin": ORIGIN})
        assert response.status_code in (400, 404), path
        assert response["Access-Control-Allow-Origin"] == "*", path


def test_open311_post_preflight_and_answer(client):
    preflight = client.options(
        "/open311/v2/requests.json",
        headers={"origin": ORIGIN, "access-control-request-method": "POST"},
    )
    assert preflight.status_code == 200
    answer = client.post("/open311/v2/requests.json", {}, headers={"origin": ORIGIN})
    assert answer.status_code == 403  # no api_key: refused, and the client can read why
    assert answer["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("path", ["/", "/track/", "/admin/login/"])
def test_the_sites_own_pages_are_not_shared(client, path):
    response = client.get(path, headers={"origin": ORIGIN})
    assert response.status_code == 200
    assert not response.has_header("Access-Control-Allow-Origin")
    preflight = client.options(
        path, headers={"origin": ORIGIN, "access-control-request-method": "POST"}
    )
    assert not preflight.has_header("Access-Control-Allow-Origin")


def test_a_request_without_origin_gets_no_cors_headers(client):
    response = client.get("/tiles/style.json")
    assert not response.has_header("Access-Control-Allow-Origin")
    assert "origin" in _vary(response)


def test_the_per_view_wildcards_are_gone(client):
    """Tiles and Open311 used to send ``*`` to every caller, whatever the policy."""
    with override_settings(CORS_ALLOW_ALL_ORIGINS=False, CORS_ALLOWED_ORIGINS=[ORIGIN]):
        for path in (TILE, "/open311/v2/services.json"):
            response = client.get(path, headers={"origin": "https://evil.example"})
            assert response.status_code == 200
            assert not response.has_header("Access-Control-Allow-Origin"), path


@override_settings(CORS_ALLOW_ALL_ORIGINS=False, CORS_ALLOWED_ORIGINS=[ORIGIN])
def test_a_listed_origin_is_echoed_with_vary_origin(client):
    response = client.get("/tiles/style.json", headers={"origin": ORIGIN})
    assert response["Access-Control-Allow-Origin"] == ORIGIN
    assert "origin" in _vary(response)
    other = client.get("/tiles/style.json", headers={"origin": "https://other.example"})
    assert other.status_code == 200
    assert not other.has_header("Access-Control-Allow-Origin")
    assert "origin" in _vary(other)


@override_settings(
    CORS_ALLOW_ALL_ORIGINS=False, CORS_ALLOWED_ORIGINS=[ORIGIN], CORS_ALLOW_CREDENTIALS=True
)
def test_credentials_only_with_a_listed_origin(client):
    response = client.get("/api/v1/generations/", headers={"origin": ORIGIN})
    assert response["Access-Control-Allow-Origin"] == ORIGIN
    assert response["Access-Control-Allow-Credentials"] == "true"


def _settings(env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "COMMONMAP_"))}
    code = (
        "import django; from django.conf import settings; django.setup(); "
        "print(settings.CORS_ALLOW_ALL_ORIGINS, settings.CORS_ALLOWED_ORIGINS)"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "geoportal.settings",
            "COMMONMAP_ENV_FILE": "",
            "COMMONMAP_DEV": "1",
            **env,
        },
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_origins_come_from_the_environment():
    result = _settings({"COMMONMAP_CORS_ALLOWED_ORIGINS": f"{ORIGIN}, https://b.example"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"False ['{ORIGIN}', 'https://b.example']"
    assert _settings({}).stdout.strip() == "True []"


def test_credentials_with_any_origin_refuse_to_start():
    result = _settings({"COMMONMAP_CORS_ALLOW_CREDENTIALS": "1"})
    assert result.returncode != 0
    assert "COMMONMAP_CORS_ALLOW_CREDENTIALS=1 needs COMMONMAP_CORS_ALLOWED_ORIGINS" in (
        result.stderr
    )
