"""import_boundaries: real boundaries replace the synthetic ones, matched by GSO code."""

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest
import shapely
from django.core.management import CommandError, call_command
from pyproj import Transformer
from shapely.geometry import mapping

from layers.boundary_import import BoundaryImportError, BoundaryImportParams, import_boundaries
from layers.models import AdministrativeArea

pytestmark = pytest.mark.django_db

TO_UTM = Transformer.from_crs("EPSG:4326", "EPSG:32648", always_xy=True)


def _wards(codes=None):
    wards = AdministrativeArea.objects.filter(generation__slug="2025-07", level="ward")
    return list(wards.filter(code__in=codes) if codes else wards)


def _shape(area):
    return shapely.from_wkb(bytes(area.geom.wkb))


def _write_geojson(path: Path, rows) -> Path:
    features = [{"type": "Feature", "properties": props, "geometry": geom} for props, geom in rows]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    return path


def _ogr2ogr(*args):
    subprocess.run(["ogr2ogr", *map(str, args)], check=True, capture_output=True)


def _metres(geom):
    return shapely.transform(geom, lambda xy: np.column_stack(TO_UTM.transform(*xy.T)))


@pytest.fixture
def wards_in_vn2000(tmp_path):
    """All current wards, shrunk by 30 m, in a GeoPackage in VN-2000 / TM-3 105-45."""
    rows = []
    for ward in _wards():
        shrunk = shapely.buffer(_shape(ward), -0.0003)  # about 30 m
        rows.append(({"ma_xa": ward.code, "ten": ward.name}, mapping(shrunk)))
    source = _write_geojson(tmp_path / "wards.geojson", rows)
    target = tmp_path / "ranh_gioi_xa.gpkg"
    _ogr2ogr("-f", "GPKG", "-t_srs", "EPSG:9210", target, source)
    return target


def test_import_in_vn2000_replaces_every_ward_within_a_metre(wards_in_vn2000):
    before = {w.code: shapely.buffer(_shape(w), -0.0003) for w in _wards()}
    report = import_boundaries(
        BoundaryImportParams(wards_in_vn2000, generation="2025-07", code_field="ma_xa")
    )
    assert report.committed and not report.rejected
    assert len(report.updated) == 168
    for ward in _wards():
        distance = shapely.hausdorff_distance(_metres(_shape(ward)), _metres(before[ward.code]))
        assert distance < 1.0, (ward.name, distance)
        assert not ward.geometry_is_synthetic
        assert ward.geometry_source == "imported from ranh_gioi_xa.gpkg"


def test_import_rebuilds_the_city_as_the_union_of_its_wards(wards_in_vn2000):
    import_boundaries(
        BoundaryImportParams(wards_in_vn2000, generation="2025-07", code_field="ma_xa")
    )
    city = AdministrativeArea.objects.get(generation__slug="2025-07", code="79")
    union = shapely.union_all([_shape(w) for w in _wards()])
    assert _shape(city).equals(union)
    assert not city.geometry_is_synthetic


def _shared_vertex(a, b):
    return sorted(set(a.geom.coords[0][0]) & set(b.geom.coords[0][0]))[0]


def test_lookup_follows_the_imported_shapes(client, wards_in_vn2000):
    ben_thanh = _wards(["26743"])[0]
    neighbour = next(w for w in _wards() if w.pk != ben_thanh.pk and w.geom.touches(ben_thanh.geom))
    lon, lat = _shared_vertex(ben_thanh, neighbour)
    assert client.get("/api/v1/lookup/", {"lon": lon, "lat": lat}).status_code == 200

    import_boundaries(
        BoundaryImportParams(wards_in_vn2000, generation="2025-07", code_field="ma_xa")
    )

    # The imported wards were shrunk by 30 m: the old shared corner is now in no ward.
    assert client.get("/api/v1/lookup/", {"lon": lon, "lat": lat}).status_code == 404
    inside = AdministrativeArea.objects.get(pk=ben_thanh.pk).geom.point_on_surface
    body = client.get("/api/v1/lookup/", {"lon": inside.x, "lat": inside.y}).json()
    assert body["area"]["code"] == "26743"


def test_unknown_code_rejects_the_whole_file_by_default(tmp_path):
    ward = _wards()[0]
    moved = shapely.affinity.translate(_shape(ward), 0.001, 0)
    path = _write_geojson(
        tmp_path / "x.geojson",
        [({"code": ward.code}, mapping(moved)), ({"code": "99999"}, mapping(moved))],
    )
    report = import_boundaries(BoundaryImportParams(path, generation="2025-07"))
    assert not report.committed
    assert [(r.row, r.code, r.reason) for r in report.rejected] == [
        (2, "99999", "no area with code 99999 in generation 2025-07")
    ]
    ward.refresh_from_db()
    assert ward.geometry_is_synthetic
    assert not _shape(ward).equals(moved)


def test_partial_import_keeps_the_good_rows(tmp_path):
    ward = _wards()[0]
    moved = shapely.affinity.translate(_shape(ward), 0.0001, 0)
    path = _write_geojson(
        tmp_path / "x.geojson",
        [({"code": ward.code}, mapping(moved)), ({"code": ""}, mapping(moved))],
    )
    report = import_boundaries(BoundaryImportParams(path, generation="2025-07", partial=True))
    assert report.committed
    assert [(r.row, r.reason) for r in report.rejected] == [(2, "empty 'code'")]
    ward.refresh_from_db()
    assert _shape(ward).equals_exact(moved, 1e-9)


def test_points_and_empty_geometries_are_rejected_with_reasons(tmp_path):
    a, b = _wards()[:2]
    path = _write_geojson(
        tmp_path / "x.geojson",
        [
            ({"code": a.code}, {"type": "Point", "coordinates": [106.7, 10.8]}),
            ({"code": b.code}, None),
        ],
    )
    report = import_boundaries(BoundaryImportParams(path, generation="2025-07"))
    assert [(r.row, r.reason) for r in report.rejected] == [
        (1, "Point is not a polygon"),
        (2, "empty geometry"),
    ]


def test_a_self_intersecting_polygon_is_repaired_and_reported(tmp_path):
    ward = _wards(["26743"])[0]
    x0, y0, x1, y1 = _shape(ward).bounds
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[x0, y0], [x1, y1], [x1, y0], [x0, y1], [x0, y0]]],
    }
    path = _write_geojson(tmp_path / "x.geojson", [({"code": ward.code}, bowtie)])
    report = import_boundaries(BoundaryImportParams(path, generation="2025-07"))
    assert report.repaired == [ward.code]
    ward.refresh_from_db()
    assert ward.geom.valid


def test_a_shapefile_without_prj_needs_the_srs_stated(tmp_path):
    ward = _wards()[0]
    original = _shape(ward)
    source = _write_geojson(tmp_path / "x.geojson", [({"code": ward.code}, mapping(original))])
    shp = tmp_path / "noprj.shp"
    _ogr2ogr("-f", "ESRI Shapefile", "-t_srs", "EPSG:9210", shp, source)
    shp.with_suffix(".prj").unlink()
    with pytest.raises(BoundaryImportError, match="does not say its coordinate system; give it"):
        import_boundaries(BoundaryImportParams(shp, generation="2025-07"))
    report = import_boundaries(BoundaryImportParams(shp, generation="2025-07", srs="EPSG:9210"))
    assert report.committed
    ward.refresh_from_db()
    assert shapely.hausdorff_distance(_metres(_shape(ward)), _metres(original)) < 1.0


def test_wrong_code_field_names_the_fields_there_are(tmp_path):
    path = _write_geojson(tmp_path / "x.geojson", [({"ma": "1"}, None)])
    with pytest.raises(BoundaryImportError, match=r"No field 'code' in layer .*; its fields"):
        import_boundaries(BoundaryImportParams(path, generation="2025-07"))


def test_the_command_prints_the_report_and_fails_on_rejected_rows(tmp_path, capsys):
    path = _write_geojson(tmp_path / "x.geojson", [({"code": "99999"}, None)])
    with pytest.raises(CommandError, match="1 rows rejected; nothing was imported"):
        call_command("import_boundaries", path, "--generation", "2025-07")
    assert "row 1 (99999): no area with code 99999" in capsys.readouterr().out


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
    assert report["parents_rebuilt"] == ["79"]
