"""Hostile files through the importer core: refused before GDAL or the database see them.

``test_format_and_size.py``, ``test_archives.py`` and ``test_xml_guard.py`` cover each check
alone; these prove the core runs them, in order, for every entry point (the command and the
API call the same ``run_import``).
"""

import zipfile

import pytest

from importers.errors import FileTooLarge, FormatMismatch, UnsafeFile
from layers.models import Layer
from tests.importers.conftest import PROVINCES_GEOJSON, PROVINCES_KML

pytestmark = pytest.mark.django_db

XXE = """<?xml version="1.0"?>
<!DOCTYPE kml [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>&secret;</name>
<Point><coordinates>106.7,10.77</coordinates></Point></Placemark></kml>
"""


def test_zip_slip_entry_is_refused(importer, tmp_path):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.write(PROVINCES_GEOJSON, "../../provinces.geojson")
    with pytest.raises(UnsafeFile) as refused:
        importer(archive, layer="evil")
    assert "unsafe path" in refused.value.message
    assert not (tmp_path.parent / "provinces.geojson").exists()
    assert not Layer.objects.filter(slug="evil").exists()


def test_zip_bomb_is_refused_by_its_ratio(importer, tmp_path):
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("bomb.geojson", b" " * (50 << 20))  # 50 MB of spaces, ~50 KB zipped
    with pytest.raises(UnsafeFile) as refused:
        importer(archive, layer="bomb")
    assert "zip bomb" in refused.value.message


def test_kml_with_an_external_entity_is_refused(importer, tmp_path):
    kml = tmp_path / "xxe.kml"
    kml.write_text(XXE)
    with pytest.raises(UnsafeFile) as refused:
        importer(kml, layer="xxe")
    assert "DTD or entities" in refused.value.message


def test_kmz_with_an_entity_inside_is_refused(importer, tmp_path):
    kmz = tmp_path / "xxe.kmz"
    with zipfile.ZipFile(kmz, "w") as out:
        out.writestr("doc.kml", XXE)
    with pytest.raises(UnsafeFile):
        importer(kmz, layer="xxe")


def test_extension_that_lies_about_the_content_is_refused(importer, tmp_path):
    fake = tmp_path / "provinces.gpkg"
    fake.write_bytes(PROVINCES_KML.read_bytes())
    with pytest.raises(FormatMismatch) as refused:
        importer(fake, layer="fake")
    assert "'provinces.gpkg' is not a GeoPackage" in refused.value.message


def test_file_over_the_size_limit_is_refused(importer, settings):
    settings.COMMONMAP = {**settings.COMMONMAP, "IMPORT_MAX_FILE_BYTES": 200_000}
    with pytest.raises(FileTooLarge) as refused:
        importer(PROVINCES_GEOJSON, layer="big")
    assert "is 0.3 MB; the limit is 0.2 MB" in refused.value.message
