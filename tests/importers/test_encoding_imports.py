"""Legacy Vietnamese encodings through the whole importer: stored as NFC UTF-8.

The fixtures' bytes were made by outside converters (glibc iconv, npm vietnamese-conversion),
see tests/data/encodings/README.md; the expected text is places_utf8.csv.
"""

import csv
import unicodedata
from pathlib import Path

import pytest

from importers.errors import ImportRefused
from layers.models import Feature

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[1] / "data" / "encodings"


def _expected() -> list[str]:
    with (DATA / "places_utf8.csv").open(encoding="utf-8") as handle:
        return [unicodedata.normalize("NFC", row["name"]) for row in csv.DictReader(handle)]


def _names(slug: str) -> list[str]:
    return list(
        Feature.objects.filter(layer__slug=slug).order_by("id").values_list("name", flat=True)
    )


@pytest.mark.parametrize(
    ("fixture", "encoding", "how"),
    [
        ("places_tcvn3.shp", "tcvn3", "detected"),
        ("places_vni.shp", "vni", "detected"),
        ("places_cp1258.shp", "cp1258", "from the .cpg"),
        ("places_tcvn3.csv", "tcvn3", "detected"),
    ],
)
def test_legacy_encoding_is_detected_and_stored_as_nfc(importer, fixture, encoding, how):
    report = importer(DATA / fixture, layer="places", name_field="name")
    assert report.encoding.startswith(encoding)
    assert how in report.encoding
    names = _names("places")
    assert names == _expected()
    assert all(unicodedata.is_normalized("NFC", n) for n in names)


def test_stated_encoding_wins_over_detection(importer):
    report = importer(DATA / "places_vni.shp", layer="places", encoding="VNI-Windows")
    assert report.encoding == "vni (stated)"
    assert _names("places") == _expected()


def test_wrong_stated_encoding_is_refused_not_garbled(importer):
    with pytest.raises(ImportRefused) as refused:
        importer(DATA / "places_vni.shp", layer="places", encoding="tcvn3")
    assert "is not tcvn3 text" in refused.value.message
    assert refused.value.parameter == "encoding"
    assert not Feature.objects.filter(layer__slug="places").exists()


def test_geopackage_refuses_a_legacy_encoding(importer):
    from tests.importers.conftest import PROVINCES_GPKG

    with pytest.raises(ImportRefused) as refused:
        importer(PROVINCES_GPKG, layer="provinces", encoding="tcvn3")
    assert "GeoPackage text is always UTF-8" in refused.value.message
