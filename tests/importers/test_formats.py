"""Every format the importer reads, from real files: counts, Vietnamese text, coordinates.

The expected values are read from the same files independently (pyogrio straight to
shapely), so a reader that lost a row, an accent or a coordinate fails here.
"""

import subprocess
import unicodedata
import zipfile

import pyogrio
import pytest
import shapely
from django.db import connection

from importers.errors import ImportRefused
from layers.models import Feature, Layer
from tests.importers.conftest import (
    PLACES_CSV,
    PLACES_GEOJSON,
    PROVINCES_CSV,
    PROVINCES_GEOJSON,
    PROVINCES_GPKG,
    PROVINCES_KML,
    PROVINCES_SHP,
)

pytestmark = pytest.mark.django_db


def _expected_provinces() -> dict[str, tuple[str, shapely.Geometry]]:
    _meta, _fids, geoms, columns = pyogrio.raw.read(
        PROVINCES_GEOJSON, columns=["adm1_code", "name_vi"]
    )
    return {
        code: (name, shapely.from_wkb(wkb))
        for code, name, wkb in zip(columns[0], columns[1], geoms, strict=True)
    }


def _stored(slug: str) -> dict[str, tuple[str, shapely.Geometry]]:
    layer = Layer.objects.get(slug=slug)
    return {
        f.attributes["adm1_code"]: (f.attributes["name_vi"], shapely.from_wkb(bytes(f.geom.wkb)))
        for f in Feature.objects.filter(layer=layer)
    }


def _assert_provinces(slug: str) -> None:
    expected = _expected_provinces()
    stored = _stored(slug)
    assert stored.keys() == expected.keys()
    for code, (name, geom) in expected.items():
        got_name, got_geom = stored[code]
        assert got_name == unicodedata.normalize("NFC", name)
        assert unicodedata.is_normalized("NFC", got_name)
        # Same shape: the symmetric difference is a sliver at most (7-decimal inputs).
        assert got_geom.geom_type == "MultiPolygon"
        assert shapely.area(shapely.symmetric_difference(got_geom, geom)) < 1e-9


def _zip(tmp_path, name: str, files: dict[str, object]) -> object:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for arcname, source in files.items():
            archive.write(source, arcname)
    return path


def test_zipped_shapefile_keeps_every_province_name_and_shape(importer, tmp_path):
    sidecars = {p.name: p for p in PROVINCES_SHP.parent.iterdir()}
    report = importer(_zip(tmp_path, "provinces.zip", sidecars), layer="provinces")
    assert (report.rows_read, report.imported, report.rejected_count) == (63, 63, 0)
    assert report.committed and report.format == "shp"
    assert "from the .cpg" in report.encoding
    _assert_provinces("provinces")


def test_shapefile_with_its_sidecars_beside_it(importer):
    report = importer(PROVINCES_SHP, layer="provinces")
    assert report.imported == 63
    _assert_provinces("provinces")


def test_geojson(importer):
    report = importer(PROVINCES_GEOJSON, layer="provinces")
    assert (report.imported, report.format, report.crs_source) == (63, "geojson", "file")
    _assert_provinces("provinces")


def test_geopackage(importer):
    report = importer(PROVINCES_GPKG, layer="provinces")
    assert (report.imported, report.format) == (63, "gpkg")
    _assert_provinces("provinces")


def test_kml_names_features_by_placemark_name(importer):
    report = importer(PROVINCES_KML, layer="provinces-kml")
    assert (report.imported, report.format) == (63, "kml")
    names = set(Feature.objects.filter(layer__slug="provinces-kml").values_list("name", flat=True))
    expected = {unicodedata.normalize("NFC", n) for n, _g in _expected_provinces().values()}
    assert names == expected


def test_kmz_is_read_from_its_doc_kml(importer, tmp_path):
    kmz = _zip(tmp_path, "provinces.kmz", {"doc.kml": PROVINCES_KML})
    report = importer(kmz, layer="provinces-kmz")
    assert (report.imported, report.format) == (63, "kml")


def test_csv_with_a_wkt_column(importer):
    report = importer(PROVINCES_CSV, layer="provinces")
    assert (report.imported, report.format, report.crs_source) == (63, "csv", "assumed")
    _assert_provinces("provinces")


def test_csv_with_longitude_and_latitude_columns(importer):
    report = importer(PLACES_CSV, layer="places", key="geonameid")
    assert (report.imported, report.geometry_type) == (86, "Point")
    _meta, _fids, geoms, _columns = pyogrio.raw.read(PLACES_GEOJSON, return_fids=True)
    expected = dict(zip((int(i) for i in _fids), shapely.from_wkb(geoms), strict=True))
    stored = {
        int(f.source_key): (f.geom.x, f.geom.y, f.name)
        for f in Feature.objects.filter(layer__slug="places")
    }
    assert stored.keys() == expected.keys()
    for key, point in expected.items():
        x, y, _name = stored[key]
        assert (x, y) == pytest.approx((point.x, point.y), abs=1e-9)
    assert stored[1560452][2] == "Xuyên Mộc"


def test_flatgeobuf(importer, tmp_path):
    fgb = tmp_path / "provinces.fgb"
    subprocess.run(["ogr2ogr", "-f", "FlatGeobuf", str(fgb), str(PROVINCES_GEOJSON)], check=True)
    report = importer(fgb, layer="provinces")
    assert (report.imported, report.format) == (63, "fgb")
    _assert_provinces("provinces")


def test_geopackage_with_several_layers_needs_the_layer_named(importer, tmp_path):
    gpkg = tmp_path / "two.gpkg"
    for name, source in (("provinces", PROVINCES_GEOJSON), ("places", PLACES_GEOJSON)):
        subprocess.run(
            ["ogr2ogr", "-f", "GPKG", "-append", "-nln", name, str(gpkg), str(source)], check=True
        )
    with pytest.raises(ImportRefused) as refused:
        importer(gpkg, layer="places")
    assert "has 2 layers" in refused.value.message
    assert "places" in refused.value.message and "provinces" in refused.value.message
    assert refused.value.parameter == "source_layer"
    report = importer(gpkg, layer="places", source_layer="places")
    assert (report.source_layer, report.imported) == ("places", 86)


def test_zip_with_two_datasets_needs_one_chosen(importer, tmp_path):
    archive = _zip(tmp_path, "two.zip", {"a.geojson": PROVINCES_GEOJSON, "b.csv": PLACES_CSV})
    with pytest.raises(ImportRefused) as refused:
        importer(archive, layer="two")
    assert "holds 2 datasets: a.geojson, b.csv" in refused.value.message
    report = importer(archive, layer="two", source_layer="b.csv")
    assert report.imported == 86


def test_attribute_types_become_the_layer_schema(importer):
    importer(PLACES_CSV, layer="places", private_fields=("population",))
    schema = {f["name"]: f for f in Layer.objects.get(slug="places").attribute_schema}
    assert schema["geonameid"]["type"] == "integer"
    assert schema["name"]["type"] == "string"
    assert schema["population"]["public"] is False
    assert schema["name"]["public"] is True
    # The coordinate columns became the geometry, not attributes.
    assert "latitude" not in schema and "longitude" not in schema


def test_names_are_searchable_without_diacritics(importer):
    importer(PLACES_CSV, layer="places")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM layers_feature f JOIN layers_layer l ON l.id = f.layer_id "
            "WHERE l.slug = 'places' AND name_search = 'xuyen moc'"
        )
        assert cursor.fetchall() == [("Xuyên Mộc",)]
