"""Settings come from the environment, with safe production defaults."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from geoportal.env import env_bool, env_list

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("False", False), ("0", False), ("true", True), ("1", True), ("off", False), ("YES", True)],
)
def test_env_bool_reads_words_not_truthiness(monkeypatch, raw, expected):
    monkeypatch.setenv("X_FLAG", raw)
    assert env_bool("X_FLAG") is expected


def test_env_bool_rejects_an_unknown_word(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG='maybe' is not a boolean"):
        env_bool("X_FLAG")


def test_env_list_splits_and_strips(monkeypatch):
    monkeypatch.setenv("X_HOSTS", " a.example , b.example,, ")
    assert env_list("X_HOSTS", []) == ["a.example", "b.example"]


def _settings_in_subprocess(env: dict, expr: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "COMMONMAP_"))}
    clean.pop("DATABASE_URL", None)
    code = f"import django; from django.conf import settings; django.setup(); print({expr})"
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "geoportal.settings", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _settings_in_subprocess({"DATABASE_URL": "postgres://u:p@db/x"}, "settings.DEBUG")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_a_database_url():
    result = _settings_in_subprocess({"DJANGO_SECRET_KEY": "s" * 50}, "settings.DEBUG")
    assert result.returncode != 0
    assert "DATABASE_URL must be set" in result.stderr


def test_production_defaults_are_safe():
    env = {"DJANGO_SECRET_KEY": "s" * 50, "DATABASE_URL": "postgres://u:p@db:5432/x"}
    result = _settings_in_subprocess(
        env,
        "settings.DEBUG, settings.ALLOWED_HOSTS, settings.SESSION_COOKIE_SECURE, "
        "settings.DATABASES['default']['HOST']",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False [] True db"


def test_debug_false_string_means_false():
    env = {"COMMONMAP_DEV": "1", "DJANGO_DEBUG": "False"}
    result = _settings_in_subprocess(env, "settings.DEBUG")
    assert result.stdout.strip() == "False", result.stderr
