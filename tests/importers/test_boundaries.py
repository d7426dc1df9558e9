"""``--layer areas`` through the importer core: real boundaries replace the synthetic ones,
matched by GSO code, with the core's CRS vetting and a per-row report.

Moved from ``tests/layers/test_boundary_import.py`` when the boundary import became an
importer target; ``test_boundary_entry_points.py`` runs the same scenarios through the
``import_boundaries`` command and the upload API.
"""

import pytest
import shapely
from shapely.geometry import mapping

from core.errors import InvalidParameter, status_for
from importers.crs import CrsNeeded
from importers.errors import ImportRefused
from layers.models import AdministrativeArea
from tests.importers.boundary_files import (
    import_boundaries,
    metres,
    ogr2ogr,
    shape,
    wards,
    write_features,
)

pytestmark = pytest.mark.django_db


def test_import_in_vn2000_replaces_every_ward_within_a_metre(wards_in_vn2000):
    before = {w.code: shapely.buffer(shape(w), -0.0003) for w in wards()}
    report = import_boundaries(wards_in_vn2000, code_field="ma_xa")
    assert report.committed and not report.rejected
    assert len(report.areas.updated) == report.updated == 168
    assert report.crs == "EPSG:9210 (VN-2000 / TM-3 105-45)"
    assert "VN-2000 transformed to WGS 84 with the official VN-2000 datum shift (EPSG:6960)." in (
        report.notes
    )
    for ward in wards():
        distance = shapely.hausdorff_distance(metres(shape(ward)), metres(before[ward.code]))
        assert distance < 1.0, (ward.name, distance)
        assert not ward.geometry_is_synthetic
        assert ward.geometry_source == "imported from ranh_gioi_xa.gpkg"


def test_import_rebuilds_the_city_as_the_union_of_its_wards(wards_in_vn2000):
    report = import_boundaries(wards_in_vn2000, code_field="ma_xa")
    city = AdministrativeArea.objects.get(generation__slug="2025-07", code="79")
    union = shapely.union_all([shape(w) for w in wards()])
    assert shape(city).equals(union)
    assert not city.geometry_is_synthetic
    assert report.areas.parents_rebuilt == ["79"]


def test_a_second_import_of_the_same_file_changes_nothing(wards_in_vn2000):
    import_boundaries(wards_in_vn2000, code_field="ma_xa")
    again = import_boundaries(wards_in_vn2000, code_field="ma_xa")
    assert again.committed
    assert (again.updated, again.unchanged) == (0, 168)


def _shared_vertex(a, b):
    return sorted(set(a.geom.coords[0][0]) & set(b.geom.coords[0][0]))[0]


def test_lookup_follows_the_imported_shapes(client, wards_in_vn2000):
    ben_thanh = wards(["26743"])[0]
    neighbour = next(w for w in wards() if w.pk != ben_thanh.pk and w.geom.touches(ben_thanh.geom))
    lon, lat = _shared_vertex(ben_thanh, neighbour)
    assert client.get("/api/v1/lookup/", {"lon": lon, "lat": lat}).status_code == 200

    import_boundaries(wards_in_vn2000, code_field="ma_xa")

    # The imported wards were shrunk by 30 m: the old shared corner is now in no ward.
    assert client.get("/api/v1/lookup/", {"lon": lon, "lat": lat}).status_code == 404
    inside = AdministrativeArea.objects.get(pk=ben_thanh.pk).geom.point_on_surface
    body = client.get("/api/v1/lookup/", {"lon": inside.x, "lat": inside.y}).json()
    assert body["area"]["code"] == "26743"


def test_unknown_code_rejects_the_whole_file_by_default(tmp_path):
    ward = wards()[0]
    moved = shapely.affinity.translate(shape(ward), 0.001, 0)
    path = write_features(
        tmp_path / "x.geojson",
        [({"code": ward.code}, mapping(moved)), ({"code": "99999"}, mapping(moved))],
    )
    report = import_boundaries(path)
    assert not report.committed
    assert [(r.row, r.key, r.reason) for r in report.rejected] == [
        (2, "99999", "no area with code 99999 in generation 2025-07")
    ]
    ward.refresh_from_db()
    assert ward.geometry_is_synthetic
    assert not shape(ward).equals(moved)


def test_partial_import_keeps_the_good_rows(tmp_path):
    ward = wards()[0]
    moved = shapely.affinity.translate(shape(ward), 0.0001, 0)
    path = write_features(
        tmp_path / "x.geojson",
        [({"code": ward.code}, mapping(moved)), ({"code": ""}, mapping(moved))],
    )
    report = import_boundaries(path, partial=True)
    assert report.committed
    assert [(r.row, r.reason) for r in report.rejected] == [(2, "empty 'code'")]
    ward.refresh_from_db()
    assert shape(ward).equals_exact(moved, 1e-9)


def test_a_code_given_twice_is_rejected_on_its_second_row(tmp_path):
    ward = wards()[0]
    rows = [({"code": ward.code}, mapping(shape(ward)))] * 2
    report = import_boundaries(write_features(tmp_path / "x.geojson", rows))
    assert [(r.row, r.key, r.reason) for r in report.rejected] == [
        (2, ward.code, f"code {ward.code} appears more than once")
    ]


def test_a_dry_run_reports_the_changes_and_writes_nothing(tmp_path):
    ward = wards()[0]
    moved = shapely.affinity.translate(shape(ward), 0.0001, 0)
    path = write_features(tmp_path / "x.geojson", [({"code": ward.code}, mapping(moved))])
    report = import_boundaries(path, dry_run=True)
    assert not report.committed
    assert report.areas.updated == [ward.code]
    ward.refresh_from_db()
    assert ward.geometry_is_synthetic and not shape(ward).equals_exact(moved, 1e-9)


def test_points_and_empty_geometries_are_rejected_with_reasons(tmp_path):
    a, b = wards()[:2]
    path = write_features(
        tmp_path / "x.geojson",
        [
            ({"code": a.code}, {"type": "Point", "coordinates": [106.7, 10.8]}),
            ({"code": b.code}, None),
        ],
    )
    report = import_boundaries(path)
    assert [(r.row, r.key, r.reason) for r in report.rejected] == [
        (1, a.code, "Point does not fit a MultiPolygon layer"),
        (2, b.code, "no geometry"),
    ]


def test_a_self_intersecting_polygon_is_repaired_and_reported(tmp_path):
    ward = wards(["26743"])[0]
    x0, y0, x1, y1 = shape(ward).bounds
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[x0, y0], [x1, y1], [x1, y0], [x0, y1], [x0, y0]]],
    }
    path = write_features(tmp_path / "x.geojson", [({"code": ward.code}, bowtie)])
    report = import_boundaries(path)
    assert [(n.row, n.key) for n in report.repaired] == [(1, ward.code)]
    assert report.repaired[0].reason.startswith("Self-intersection")
    ward.refresh_from_db()
    assert ward.geom.valid


def test_a_shapefile_without_prj_needs_the_srs_stated(tmp_path):
    ward = wards()[0]
    original = shape(ward)
    source = write_features(tmp_path / "x.geojson", [({"code": ward.code}, mapping(original))])
    shp = tmp_path / "noprj.shp"
    ogr2ogr("-f", "ESRI Shapefile", "-t_srs", "EPSG:9210", shp, source)
    shp.with_suffix(".prj").unlink()
    with pytest.raises(CrsNeeded, match="does not say its coordinate system; its coordinates"):
        import_boundaries(shp)
    report = import_boundaries(shp, srs="EPSG:9210")
    assert report.committed
    ward.refresh_from_db()
    assert shapely.hausdorff_distance(metres(shape(ward)), metres(original)) < 1.0


def test_wrong_code_field_names_the_fields_there_are(tmp_path):
    path = write_features(tmp_path / "x.geojson", [({"ma": "1"}, None)])
    with pytest.raises(ImportRefused, match=r"No field 'code' in layer .*; its fields") as caught:
        import_boundaries(path)
    assert caught.value.parameter == "code_field"
    assert status_for(caught.value) == 400


def test_an_unknown_generation_is_refused_before_the_file_is_read(tmp_path):
    path = write_features(tmp_path / "x.geojson", [])
    with pytest.raises(InvalidParameter, match="Unknown boundary generation '1999'") as caught:
        import_boundaries(path, generation="1999")
    assert caught.value.parameter == "generation"
    assert status_for(caught.value) == 400
