"""Uploads are vetted by content and size before GDAL opens them (``importers.limits``,
``importers.formats``): a file must be what its name says, and not too big.

Good files are the real Natural Earth extracts in ``../shared/data``; bad ones are built here.
"""

import sqlite3
import subprocess

import pytest

from importers.errors import FileTooLarge, FormatMismatch, UnreadableFile
from importers.formats import check_format, expected_format, sniff
from importers.limits import Limits, check_size
from tests.importers.vetting import (
    CSV,
    GEOJSON,
    GPKG,
    KML,
    MIB,
    SHP,
    make_zip,
    refused,
)

# Limits ------------------------------------------------------------------------------------


def test_limits_default_to_one_gib_file_four_gib_unpacked_1000_entries_ratio_100():
    limits = Limits()
    assert (limits.max_file_bytes, limits.max_unpacked_bytes) == (1 << 30, 4 << 30)
    assert (limits.max_entries, limits.max_ratio, limits.ratio_floor_bytes) == (1000, 100, MIB)


def test_limits_from_settings_read_the_commonmap_options(settings):
    settings.COMMONMAP = {
        "IMPORT_MAX_FILE_BYTES": 10,
        "IMPORT_MAX_UNPACKED_BYTES": 20,
        "IMPORT_MAX_ENTRIES": 30,
        "IMPORT_MAX_RATIO": 40,
    }
    assert Limits.from_settings() == Limits(10, 20, 30, 40)


def test_limits_from_settings_fall_back_to_defaults(settings):
    settings.COMMONMAP = {"IMPORT_MAX_ENTRIES": 7}
    assert Limits.from_settings() == Limits(max_entries=7)


# Format by content -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "name", "fmt"),
    [
        (GPKG, "ne_vnm_admin1.gpkg", "gpkg"),
        (KML, "ne_vnm_admin1.kml", "kml"),
        (SHP, "ne_vnm_admin1.shp", "shp"),
        (CSV, "ne_vnm_admin1_wkt.csv", "csv"),
        (CSV, "ne_vnm_admin1_wkt.TXT", "csv"),
        (GEOJSON, "ne_10m_admin1_vnm.geojson", "geojson"),
        (GEOJSON, "ne_10m_admin1_vnm.json", "geojson"),
    ],
)
def test_real_files_pass_the_format_check(path, name, fmt):
    assert check_format(path, name) == fmt


def test_flatgeobuf_written_by_ogr2ogr_passes(tmp_path):
    fgb = tmp_path / "admin1.fgb"
    subprocess.run(["ogr2ogr", "-f", "FlatGeobuf", fgb, GEOJSON], check=True)
    assert check_format(fgb, "admin1.fgb") == "fgb"


def test_shapefile_sidecars_sniff_as_their_own_formats():
    assert sniff(SHP.with_suffix(".dbf")) == "dbf"
    assert sniff(SHP.with_suffix(".shx")) == "shp"  # same header as the .shp


def test_truncated_shapefile_is_not_a_shapefile(tmp_path):
    shp = tmp_path / "cut.shp"
    shp.write_bytes(SHP.read_bytes()[:5000])
    error = refused(FormatMismatch, check_format, shp, "cut.shp")
    assert error.message == (
        "'cut.shp' is not a Shapefile (.shp): its content is not a format the importer reads."
    )


def test_geojson_after_bom_and_whitespace_is_geojson(tmp_path):
    path = tmp_path / "a.geojson"
    path.write_bytes(b'\xef\xbb\xbf\n  \t{"type": "FeatureCollection", "features": []}')
    assert check_format(path, "a.geojson") == "geojson"


def test_kml_without_declaration_and_with_prefixed_root_is_kml(tmp_path):
    path = tmp_path / "a.kml"
    path.write_text('<!-- made by hand -->\n<k:kml xmlns:k="http://www.opengis.net/kml/2.2"/>')
    assert sniff(path) == "kml"


def test_other_xml_is_xml(tmp_path):
    path = tmp_path / "a.kml"
    path.write_text('<?xml version="1.0"?>\n<gpx version="1.1"></gpx>')
    error = refused(FormatMismatch, check_format, path, "a.kml")
    assert error.message == "'a.kml' is not KML: its content looks like XML that is not KML."


def test_excel_unicode_text_is_csv(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes("\ufeffWKT\ttên\nPOINT (106.7 10.8)\tBến Nghé\n".encode("utf-16-le"))
    assert check_format(path, "a.txt") == "csv"


def test_windows_1258_csv_is_csv(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes("lon,lat,tên\n106.7,10.8,Bê\u0301n Tha\u0300nh\n".encode("cp1258"))
    assert check_format(path, "a.csv") == "csv"


def test_text_without_a_delimiter_is_not_csv(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("just some notes\n")
    error = refused(FormatMismatch, check_format, path, "notes.csv")
    assert "looks like plain text with no delimiter on its first line" in error.message


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("a.zip", "zip"),
        ("doc.KMZ", "zip"),
        ("a.gpkg", "gpkg"),
        ("a.fgb", "fgb"),
        ("a.shp", "shp"),
        ("a.geojson", "geojson"),
        ("a.json", "geojson"),
        ("a.kml", "kml"),
        ("a.csv", "csv"),
        ("a.txt", "csv"),
        ("C:\\Users\\me\\roads.GPKG", "gpkg"),
        ("roads.shp.zip", "zip"),
        ("a.dbf", None),
        ("a.xlsx", None),
        ("noextension", None),
    ],
)
def test_expected_format_comes_from_the_extension(name, fmt):
    assert expected_format(name) == fmt


def test_gpkg_that_is_a_zip_is_refused(tmp_path):
    path = make_zip(tmp_path / "upload", {"roads.shp": b"x"})
    error = refused(FormatMismatch, check_format, path, "roads.gpkg")
    assert (
        error.message == "'roads.gpkg' is not a GeoPackage: its content looks like a ZIP archive."
    )
    assert error.hint == "If it is a ZIP archive, give it the .zip extension."


def test_geojson_that_is_a_png_is_refused(tmp_path):
    path = tmp_path / "upload"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    error = refused(FormatMismatch, check_format, path, "map.geojson")
    assert error.message == (
        "'map.geojson' is not GeoJSON: its content is not a format the importer reads."
    )


def test_sqlite_without_the_geopackage_id_is_refused(tmp_path):
    path = tmp_path / "a.gpkg"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE t (x)")
    db.close()
    error = refused(FormatMismatch, check_format, path, "a.gpkg")
    assert "looks like an SQLite database that is not a GeoPackage" in error.message


def test_dbf_uploaded_as_shp_gets_a_shapefile_hint():
    error = refused(FormatMismatch, check_format, SHP.with_suffix(".dbf"), "roads.shp")
    assert "looks like a dBASE table (.dbf)" in error.message
    assert ".shx" in error.hint


def test_empty_file_is_refused(tmp_path):
    path = tmp_path / "x.geojson"
    path.touch()
    error = refused(UnreadableFile, check_format, path, "x.geojson")
    assert error.message == "'x.geojson' is empty."


def test_unknown_extension_is_refused_with_the_accepted_list():
    error = refused(UnreadableFile, check_format, GPKG, "roads.xlsx")
    assert error.message.startswith("'roads.xlsx' is not a file type the importer reads.")
    for extension in (".csv", ".fgb", ".geojson", ".gpkg", ".kml", ".kmz", ".shp", ".zip"):
        assert extension in error.message


# Size --------------------------------------------------------------------------------------


def test_file_over_the_limit_is_refused_with_both_sizes_in_mb(tmp_path):
    path = tmp_path / "big.geojson"
    path.write_bytes(b" " * (3 * MIB))
    error = refused(FileTooLarge, check_size, path, Limits(max_file_bytes=2 * MIB))
    assert error.message == "'big.geojson' is 3.0 MB; the limit is 2.0 MB."


def test_file_at_the_limit_passes():
    check_size(GPKG, Limits(max_file_bytes=GPKG.stat().st_size))
