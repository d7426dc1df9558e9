"""The raster renderer draws for MapProxy only.

Drawing a tile takes seconds and the renderer keeps nothing: a few anonymous requests used
to tie up every worker. Now a request without the shared token is refused at once (403,
JSON, pointing to MapProxy, no database work); MapProxy sends the token, written into its
configuration by ``manage.py mapproxy_config``, caches what it gets and asks for at most
``RENDERS_PER_LAYER`` tiles of a layer at once. tests/web/test_mapproxy.py shows MapProxy
drawing through the renderer end to end.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tiles.mapproxy import config
from tiles.raster import RASTER_TOKEN_HEADER

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]

TILE = "/tiles/raster/basemap,areas,facilities/14/13048/7698.png"
REFUSAL = {
    "detail": "Raster tiles are drawn for MapProxy only; ask MapProxy, which caches them.",
    "code": "forbidden",
    "hint": (
        "One layer: http://127.0.0.1:8001/tiles/<layer>/EPSG3857/{z}/{x}/{y}.png?origin=nw "
        "(the same numbering); every layer: "
        "http://127.0.0.1:8001/wmts/1.0.0/WMTSCapabilities.xml."
    ),
    "mapproxy": "http://127.0.0.1:8001",
}


def test_anonymous_request_is_refused_without_touching_the_database(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(TILE)
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert response.json() == REFUSAL
    assert len(queries) == 0


def test_wrong_token_is_refused(client):
    response = client.get(TILE, headers={RASTER_TOKEN_HEADER: "guess"})
    assert response.status_code == 403
    assert response.json() == REFUSAL


def test_signed_in_staff_are_refused_too(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("admin"))
    assert client.get(TILE).status_code == 403


def test_refusal_points_to_the_configured_mapproxy(client, settings):
    settings.COMMONMAP = {**settings.COMMONMAP, "MAPPROXY_URL": "https://tiles.example.gov.vn/"}
    body = client.get(TILE).json()
    assert body["mapproxy"] == "https://tiles.example.gov.vn"
    assert body["hint"].startswith("One layer: https://tiles.example.gov.vn/tiles/<layer>/")


def test_mapproxys_token_is_served():
    mapproxy = Client(headers={RASTER_TOKEN_HEADER: settings.COMMONMAP["RASTER_TOKEN"]})
    response = mapproxy.get(TILE)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"


def test_refusal_is_in_vietnamese_by_default(vi_client):
    body = vi_client.get(TILE).json()
    assert body["detail"] == (
        "Ảnh nền raster chỉ được vẽ cho MapProxy; hãy lấy từ MapProxy, nơi lưu đệm chúng."
    )


def test_mapproxy_config_sends_the_token_and_limits_concurrent_renders():
    conf, _seed = config.build("http://127.0.0.1:8000", [])
    source = conf["sources"]["basemap@source"]
    assert source["http"] == {"headers": {RASTER_TOKEN_HEADER: settings.COMMONMAP["RASTER_TOKEN"]}}
    assert source["concurrent_requests"] == config.RENDERS_PER_LAYER == 2


def token_in_a_new_process(**env: str) -> str:
    """settings.COMMONMAP["RASTER_TOKEN"] as a fresh process with this environment reads it."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "COMMONMAP_"))}
    code = (
        "import django; from django.conf import settings; django.setup(); "
        "print(settings.COMMONMAP['RASTER_TOKEN'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "geoportal.settings",
            "COMMONMAP_ENV_FILE": "",
            "DATABASE_URL": "postgres://u:p@db:5432/x",
            **env,
        },
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_token_is_taken_from_the_environment():
    token = token_in_a_new_process(DJANGO_SECRET_KEY="s" * 50, COMMONMAP_RASTER_TOKEN="t" * 40)
    assert token == "t" * 40


def test_token_is_derived_from_the_secret_key_by_default():
    """Every process with the same secret key (the app's workers, the config command)
    agrees on it; another secret key gives another token."""
    first = token_in_a_new_process(DJANGO_SECRET_KEY="s" * 50)
    assert first == token_in_a_new_process(DJANGO_SECRET_KEY="s" * 50)
    assert len(first) == 64 and "s" * 50 not in first
    assert first != token_in_a_new_process(DJANGO_SECRET_KEY="k" * 50)
