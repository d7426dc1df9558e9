"""Settings come from the environment, with safe production defaults."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from core.env import env_bool, env_list, load_env_file

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


NO_MARKER = {"COMMONMAP_ENV_FILE": ""}


def _settings_in_subprocess(env: dict, expr: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "COMMONMAP_"))}
    clean.pop("DATABASE_URL", None)
    code = f"import django; from django.conf import settings; django.setup(); print({expr})"
    # No local-run marker (run/dev.env, which `make` writes here): the production case.
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "geoportal.settings", **NO_MARKER, **env},
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


def test_the_database_url_keeps_its_own_options_beside_ours():
    env = {
        "DJANGO_SECRET_KEY": "s" * 50,
        "DATABASE_URL": "postgres://u:p@db:5432/x?sslmode=require",
        "DATABASE_JIT": "1",
    }
    options = "sorted(settings.DATABASES['default']['OPTIONS'].items())"
    result = _settings_in_subprocess(env, options)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "[('connect_timeout', 5), ('options', '-c cursor_tuple_fraction=1'), "
        "('sslmode', 'require')]"
    )


@pytest.mark.django_db
def test_the_app_s_connections_read_cursors_to_the_end_without_jit():
    """A GeoJSON page is a server-side cursor read to its end: planned for its first 10% of
    rows, a bbox page of a big layer walked the layer in id order (0.5 s, not 0.05 s)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('cursor_tuple_fraction'), current_setting('jit')")
        assert cursor.fetchone() == ("1", "off")


def test_debug_false_string_means_false():
    env = {"COMMONMAP_DEV": "1", "DJANGO_DEBUG": "False"}
    result = _settings_in_subprocess(env, "settings.DEBUG")
    assert result.stdout.strip() == "False", result.stderr


def _clean_environment(**extra: str) -> dict:
    """A new shell's environment: nothing of ours exported."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "COMMONMAP_")) and k != "DATABASE_URL"
    }
    return {**clean, **extra}


def _manage_check(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def make_marker():
    """run/dev.env as `make` writes it (left as found: removed if this test made it)."""
    marker = ROOT / "run" / "dev.env"
    made = not marker.exists()
    if made:
        subprocess.run(["make", "-s", "devenv"], cwd=ROOT, env=_clean_environment(), check=True)
    yield marker
    if made:
        marker.unlink(missing_ok=True)


def test_manage_py_works_in_a_new_shell_where_make_ran(make_marker):
    assert "COMMONMAP_DEV=1" in make_marker.read_text().splitlines()
    result = _manage_check(_clean_environment())
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_manage_py_refuses_without_a_secret_key_where_make_never_ran(tmp_path):
    result = _manage_check(_clean_environment(COMMONMAP_ENV_FILE=str(tmp_path / "dev.env")))
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_an_exported_variable_wins_over_the_marker(tmp_path):
    marker = tmp_path / "dev.env"
    marker.write_text("# a local run\n\nCOMMONMAP_DEV=1\n")
    env = {"COMMONMAP_ENV_FILE": str(marker)}
    assert _settings_in_subprocess(env, "settings.DEBUG").stdout.strip() == "True"
    refused = _settings_in_subprocess({**env, "COMMONMAP_DEV": "0"}, "settings.DEBUG")
    assert refused.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in refused.stderr


def test_a_malformed_marker_line_is_an_error(tmp_path, monkeypatch):
    marker = tmp_path / "dev.env"
    marker.write_text("X_MARKER_FLAG=1\nexport\n")
    monkeypatch.setenv("X_MARKER_FLAG", "exported")  # set before: it stays as it is
    with pytest.raises(ImproperlyConfigured, match=r"dev.env:2: expected NAME=value, got 'export'"):
        load_env_file(marker)
    assert os.environ["X_MARKER_FLAG"] == "exported"
