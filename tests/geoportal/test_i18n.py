"""Vietnamese first: messages default to Vietnamese, English on request, catalogue complete."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "locale" / "vi" / "LC_MESSAGES" / "django.po"

# What `makemessages` reads (its default extensions) and what the project's run of it skips.
# .sql too: Django's start-up imports every app's tasks.py (the task queue), and some load
# their SQL files when imported; makemessages reads only .py, .html and .txt.
SOURCE_SUFFIXES = {".py", ".html", ".txt", ".sql"}
SKIPPED_TOP_DIRS = {"locale", "run", "staticfiles", "node_modules"}


@pytest.mark.django_db
def test_api_errors_are_vietnamese_by_default(vi_client):
    error = vi_client.get("/api/v1/lookup/", {"lat": "10.7"}).json()
    assert error["detail"] == "Thiếu tham số bắt buộc 'lon'."


@pytest.mark.django_db
def test_api_errors_are_english_when_asked(client):
    error = client.get("/api/v1/lookup/", {"lat": "10.7"}).json()
    assert error["detail"] == "Missing required parameter 'lon'."


@pytest.mark.django_db
def test_swap_hint_is_translated(vi_client):
    error = vi_client.get("/api/v1/lookup/", {"lon": "10.77", "lat": "106.7"}).json()
    assert error["hint"] == "Có vẻ lon và lat bị đảo: ý bạn là lon=106.7&lat=10.77?"


def _msgfmt_statistics(po: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", os.devnull, str(po)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_vietnamese_catalogue_has_no_untranslated_or_fuzzy_message():
    result = _msgfmt_statistics(CATALOGUE)
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr
    assert "fuzzy" not in result.stderr
    assert "translated message" in result.stderr


def _source_files():
    """The files `makemessages -l vi --ignore .venv/* --ignore staticfiles/* --ignore run/*`
    reads in the project (dot-directories are skipped by makemessages itself)."""
    for folder, dirs, files in os.walk(ROOT):
        here = Path(folder)
        dirs[:] = [
            d
            for d in dirs
            if not d.startswith(".")
            and d != "__pycache__"
            and not (here == ROOT and d in SKIPPED_TOP_DIRS)
        ]
        for name in files:
            if Path(name).suffix in SOURCE_SUFFIXES and not name.startswith("."):
                yield here / name


def _unfinished(po: Path) -> list[str]:
    """The msgids of ``po`` that are untranslated or fuzzy (the header aside)."""
    msgids = []
    for option in ("--untranslated", "--only-fuzzy"):
        listing = subprocess.run(
            ["msgattrib", option, "--no-wrap", "--no-location", str(po)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        msgids += [
            line
            for line in listing.splitlines()
            if line.startswith("msgid ") and line != 'msgid ""'
        ]
    return msgids


def test_catalogue_covers_every_message_in_the_code(tmp_path):
    """`makemessages` over a copy of the code leaves nothing untranslated or fuzzy.

    The copy keeps the repository's own catalogue untouched: a gettext string added to the
    code without its Vietnamese translation (or with a changed msgid) fails here.
    """
    copy = tmp_path / "code"
    for path in _source_files():
        target = copy / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    shutil.copytree(ROOT / "locale", copy / "locale", ignore=shutil.ignore_patterns("*.mo"))
    po = copy / "locale" / "vi" / "LC_MESSAGES" / "django.po"
    before = CATALOGUE.read_bytes()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(COMMONMAP_DEV="1", DJANGO_SETTINGS_MODULE="geoportal.settings")
    run = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "vi",
            "--ignore",
            ".venv/*",
            "--ignore",
            "staticfiles/*",
            "--ignore",
            "run/*",
            "--no-obsolete",
        ],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert CATALOGUE.read_bytes() == before, "makemessages wrote into the repository"
    assert "processing locale vi" in run.stdout, run.stdout
    result = _msgfmt_statistics(po)
    assert result.returncode == 0, result.stderr
    unfinished = _unfinished(po)
    assert not unfinished, "Translate these in locale/vi/LC_MESSAGES/django.po " + (
        "(run makemessages -l vi):\n" + "\n".join(unfinished)
    )
    assert "untranslated" not in result.stderr
    assert "fuzzy" not in result.stderr
