"""Only a keyed hash of a resident's subject is kept: what makes two keys equal or not."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import RequestFactory

from residents.hashing import oidc_resident_key, service_resident_key
from residents.identity import resident_of
from tests.residents.conftest import ME, bearer

ROOT = Path(__file__).resolve().parents[2]


def test_the_same_subject_gives_the_same_key():
    assert oidc_resident_key("https://id", "s-1") == oidc_resident_key("https://id", "s-1")


def test_a_key_is_64_hex_digits_and_not_the_subject():
    key = oidc_resident_key("https://id", "079201001234")
    assert len(key) == 64 and int(key, 16) >= 0
    assert "079201001234" not in key


def test_another_issuer_gives_another_key():
    assert oidc_resident_key("https://a", "s-1") != oidc_resident_key("https://b", "s-1")


def test_a_service_id_never_gives_the_key_of_a_subject():
    oidc = oidc_resident_key("https://id", "s-1")
    for resident_id in ("s-1", "https://id|s-1", "oidc:https://id|s-1"):
        assert service_resident_key(resident_id) != oidc


def test_another_secret_gives_another_key():
    assert oidc_resident_key("https://id", "s-1", secret="one") != oidc_resident_key(
        "https://id", "s-1", secret="two"
    )
    assert service_resident_key("r", secret="one") != service_resident_key("r", secret="two")


def test_the_secret_comes_from_the_settings(settings):
    before = service_resident_key("r")
    settings.COMMONMAP = {**settings.COMMONMAP, "RESIDENT_SECRET": "rotated"}
    assert service_resident_key("r") != before
    assert service_resident_key("r") == service_resident_key("r", secret="rotated")


def test_a_token_gives_the_key_of_its_issuer_and_subject(oidc_settings):
    request = RequestFactory().get("/", **bearer(oidc_settings.token("citizen-9")))
    resident = resident_of(request)
    assert resident.via == "oidc"
    assert resident.key == oidc_resident_key(oidc_settings.issuer, "citizen-9")


@pytest.mark.django_db
def test_without_a_secret_residents_are_refused(client, settings, oidc_settings):
    settings.COMMONMAP = {**settings.COMMONMAP, "RESIDENT_SECRET": None}
    response = client.get(ME, **bearer(oidc_settings.token("citizen-9")))
    assert response.status_code == 401
    assert response.json() == {
        "code": "residents_not_configured",
        "detail": "Residents cannot sign in here: the server has no COMMONMAP_RESIDENT_SECRET.",
    }
    assert oidc_settings.requests == []


def _production_settings(**env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "COMMONMAP_")) and k != "DATABASE_URL"
    }
    production = {
        "DJANGO_SETTINGS_MODULE": "geoportal.settings",
        "COMMONMAP_ENV_FILE": "",
        "DJANGO_SECRET_KEY": "s" * 50,
        "DATABASE_URL": "postgres://u:p@db:5432/x",
    }
    code = "import django; from django.conf import settings; django.setup(); print('ok')"
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **production, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_with_a_provider_refuses_to_start_without_the_secret():
    result = _production_settings(COMMONMAP_OIDC_ISSUER="https://id.example")
    assert result.returncode != 0
    assert "COMMONMAP_RESIDENT_SECRET must be set" in result.stderr
    started = _production_settings(
        COMMONMAP_OIDC_ISSUER="https://id.example", COMMONMAP_RESIDENT_SECRET="r" * 40
    )
    assert started.returncode == 0, started.stderr
