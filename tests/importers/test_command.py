"""``manage.py import_layer``: the importer core from a terminal, through ``call_command``.

The same scenarios as the upload API's, on the same real files: the command prints the
report's summary, turns a refusal into a CommandError with the importer's message, and
fails when rows were rejected unless ``--partial`` keeps the good ones.
"""

import zipfile
from io import StringIO
from pathlib import Path

import pyogrio.raw
import pytest
import shapely
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from importers.extent import city_extent
from layers.models import Feature, Layer
from tests.importers.conftest import IGNORE_BAD_WKT, PLACES_CSV, PROVINCES_SHP

pytestmark = pytest.mark.django_db


def import_layer(path: Path, layer: str, *options: str) -> tuple[str, str]:
    """Run the command in English; its stdout and stderr."""
    out, err = StringIO(), StringIO()
    with translation.override("en"):
        call_command("import_layer", str(path), "--layer", layer, *options, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def provinces_outside_the_city() -> int:
    """How many provinces miss the city's extent, counted with shapely from the file."""
    _meta, _fids, geoms, _columns = pyogrio.raw.read(PROVINCES_SHP, read_geometry=True)
    city = shapely.box(*city_extent())
    return int((~shapely.intersects(shapely.from_wkb(geoms), city)).sum())


def test_import_prints_the_report_summary_with_its_counts():
    out, _err = import_layer(PROVINCES_SHP, "tinh")
    lines = out.splitlines()
    outside = provinces_outside_the_city()
    assert lines[0] == (
        "ne_vnm_admin1.shp → layer tinh (create): read 63 rows, imported 63, updated 0, "
        f"unchanged 0, deleted 0, repaired 0, rejected 0, outside the city {outside}."
    )
    assert lines[1].startswith(
        "CRS EPSG:4326 (WGS 84) (file); encoding utf-8 (from the .cpg); geometry MultiPolygon;"
    )
    assert lines[2] == (
        f"{outside} features lie outside the city's extent; check the coordinate system."
    )
    assert Feature.objects.filter(layer__slug="tinh").count() == 63


def test_upsert_of_the_same_places_reports_them_unchanged():
    import_layer(PLACES_CSV, "diem-dan-cu", "--key", "geonameid")
    out, _err = import_layer(PLACES_CSV, "diem-dan-cu", "--key", "geonameid", "--mode", "upsert")
    assert out.startswith(
        "geonames_cities500_hcmc_region.csv → layer diem-dan-cu (upsert): read 86 rows, "
        "imported 0, updated 0, unchanged 86, deleted 0, repaired 0, rejected 0,"
    )


def test_refused_file_raises_command_error_with_the_importers_message(tmp_path):
    fake = tmp_path / "tinh.gpkg"
    with zipfile.ZipFile(fake, "w") as archive:
        archive.write(PROVINCES_SHP, PROVINCES_SHP.name)
    with pytest.raises(CommandError) as refused:
        import_layer(fake, "tinh")
    assert str(refused.value) == (
        "'tinh.gpkg' is not a GeoPackage: its content looks like a ZIP archive.\n"
        "If it is a ZIP archive, give it the .zip extension."
    )
    assert not Layer.objects.filter(slug="tinh").exists()


def test_bad_parameter_raises_command_error_naming_it():
    with pytest.raises(CommandError) as refused:
        import_layer(PLACES_CSV, "diem-dan-cu", "--mode", "upsert")
    assert str(refused.value) == "Upsert needs the key field that identifies a feature (--key)."


def test_dry_run_reports_and_writes_nothing():
    out, _err = import_layer(PLACES_CSV, "diem-dan-cu", "--dry-run")
    assert out.startswith(
        "geonames_cities500_hcmc_region.csv → layer diem-dan-cu (create): read 86 rows, "
        "would import 86, updated 0,"
    )
    assert out.splitlines()[-1] == "Nothing was written (dry run)."
    assert not Layer.objects.filter(slug="diem-dan-cu").exists()
    assert not Feature.objects.filter(layer__slug="diem-dan-cu").exists()


@IGNORE_BAD_WKT
def test_rejected_rows_without_partial_raise_and_import_nothing(markets_csv):
    out = StringIO()
    with pytest.raises(CommandError) as refused, translation.override("en"):
        call_command(
            "import_layer", str(markets_csv), "--layer", "cho", stdout=out, stderr=StringIO()
        )
    assert str(refused.value) == "1 rows rejected; nothing was imported."
    lines = out.getvalue().splitlines()
    assert "row 2: rejected: no geometry" in lines
    assert lines[-1] == "Nothing was written: fix the rejected rows, or import with --partial."
    assert not Layer.objects.filter(slug="cho").exists()


@IGNORE_BAD_WKT
def test_partial_imports_the_good_rows(markets_csv):
    out, _err = import_layer(markets_csv, "cho", "--partial")
    assert out.startswith(
        "cho.csv → layer cho (create): read 3 rows, imported 2, updated 0, unchanged 0, "
        "deleted 0, repaired 0, rejected 1,"
    )
    assert "row 2: rejected: no geometry" in out.splitlines()
    assert sorted(Feature.objects.filter(layer__slug="cho").values_list("name", flat=True)) == [
        "Chợ Bến Thành",
        "Chợ Tân Định",
    ]
