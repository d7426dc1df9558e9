"""The boundary target from its entry points: ``manage.py import_boundaries`` (an alias of
``import_layer --layer areas``) and the upload API, over the same core as
``test_boundaries.py``."""

import json

import pytest
import shapely
from django.core.management import CommandError, call_command
from shapely.geometry import mapping

from importers.models import ImportJob
from tests.importers.boundary_files import (
    ogr2ogr,
    shape,
    wards,
    write_features,
)
from tests.importers.conftest import error, import_file, upload

pytestmark = pytest.mark.django_db


def test_the_command_prints_the_report_and_fails_on_rejected_rows(tmp_path, capsys):
    path = write_features(tmp_path / "x.geojson", [({"code": "99999"}, None)])
    with pytest.raises(CommandError, match="1 rows rejected; nothing was imported"):
        call_command("import_boundaries", path, "--generation", "2025-07")
    out = capsys.readouterr().out
    assert "row 1 (99999): rejected: no area with code 99999 in generation 2025-07" in out
    assert "Nothing was written: fix the rejected rows, or import with --partial." in out


def test_the_command_imports_a_file_as_json_report(wards_in_vn2000, capsys):
    call_command(
        "import_boundaries",
        wards_in_vn2000,
        "--generation",
        "2025-07",
        "--code-field",
        "ma_xa",
        "--json",
    )
    report = json.loads(capsys.readouterr().out)
    assert report["rows_read"] == 168
    assert report["committed"] is True
    assert (report["layer"], report["mode"]) == ("areas", "replace")
    assert report["areas"]["parents_rebuilt"] == ["79"]
    assert len(report["areas"]["updated"]) == 168


def test_the_command_chooses_the_layer_of_a_geopackage(wards_in_vn2000, tmp_path, capsys):
    both = tmp_path / "hai_lop.gpkg"
    for name in ("ranh_gioi", "nhap"):
        call = ("-nln", name) if name == "ranh_gioi" else ("-nln", name, "-update")
        ogr2ogr("-f", "GPKG", *call, both, wards_in_vn2000)
    with pytest.raises(CommandError, match=r"has 2 layers: .*; choose one"):
        call_command("import_boundaries", both, "--generation", "2025-07", "--code-field", "ma_xa")
    call_command(
        "import_boundaries",
        both,
        "--generation",
        "2025-07",
        "--code-field",
        "ma_xa",
        "--layer",
        "ranh_gioi",
        "--dry-run",
    )
    out = capsys.readouterr().out
    assert out.startswith("hai_lop.gpkg → layer areas (replace): read 168 rows")
    assert "Nothing was written (dry run)." in out


def test_an_unknown_generation_is_a_command_error_with_the_known_ones(tmp_path):
    path = write_features(tmp_path / "x.geojson", [])
    with pytest.raises(CommandError, match="Unknown boundary generation '1999'; known"):
        call_command("import_boundaries", path, "--generation", "1999")


def test_the_api_imports_a_boundary_file_as_a_job(client, staff, tmp_path):
    ward = wards(["26743"])[0]
    path = write_features(tmp_path / "phuong.geojson", [({"ma": ward.code}, None)])
    job = import_file(client, path, layer="areas", generation="2025-07", code_field="ma")
    assert job["status"] == "rejected"
    assert job["report"]["rejected"] == [{"row": 1, "reason": "no geometry", "key": "26743"}]
    assert job["links"] == {}

    moved = shapely.affinity.translate(shape(ward), 0.0001, 0)
    path = write_features(tmp_path / "phuong.geojson", [({"ma": ward.code}, mapping(moved))])
    job = import_file(client, path, layer="areas", generation="2025-07", code_field="ma")
    assert job["status"] == "succeeded", job
    assert (job["report"]["updated"], job["report"]["areas"]["updated"]) == (1, ["26743"])
    assert shape(wards(["26743"])[0]).equals_exact(moved, 1e-9)


def test_the_api_refuses_an_unknown_generation_at_upload(client, staff, tmp_path):
    path = write_features(tmp_path / "x.geojson", [])
    body = error(upload(client, path, layer="areas", generation="1999"), 400, "invalid_parameter")
    assert body["parameter"] == "generation"
    assert body["detail"].startswith("Unknown boundary generation '1999'; known generations:")
    assert ImportJob.objects.count() == 0
