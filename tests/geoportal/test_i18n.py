"""Vietnamese first: messages default to Vietnamese, English on request, catalogue complete."""

import subprocess
from pathlib import Path

import pytest

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "vi" / "LC_MESSAGES" / "django.po"

pytestmark = pytest.mark.django_db


def test_api_errors_are_vietnamese_by_default(vi_client):
    error = vi_client.get("/api/v1/lookup/", {"lat": "10.7"}).json()
    assert error["detail"] == "Thiếu tham số bắt buộc 'lon'."


def test_api_errors_are_english_when_asked(client):
    error = client.get("/api/v1/lookup/", {"lat": "10.7"}).json()
    assert error["detail"] == "Missing required parameter 'lon'."


def test_swap_hint_is_translated(vi_client):
    error = vi_client.get("/api/v1/lookup/", {"lon": "10.77", "lat": "106.7"}).json()
    assert error["hint"] == "Có vẻ lon và lat bị đảo: ý bạn là lon=106.7&lat=10.77?"


def test_vietnamese_catalogue_has_no_untranslated_or_fuzzy_message():
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(CATALOGUE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr
    assert "fuzzy" not in result.stderr
    assert "translated message" in result.stderr
