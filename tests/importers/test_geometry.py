"""Geometry checks: repairs reported, empties rejected, Z/M dropped, single vs multi, outside."""

import pyogrio
import pytest
import shapely
from django.db import connection

from importers.extent import city_extent
from layers.models import Feature, Layer
from tests.importers.conftest import PROVINCES_GEOJSON, PYOGRIO_FIXTURES, write_geojson

pytestmark = pytest.mark.django_db

# A bow-tie: the classic self-intersecting ring, in District 1.
BOWTIE = [[106.70, 10.77], [106.71, 10.78], [106.71, 10.77], [106.70, 10.78], [106.70, 10.77]]
SQUARE = [[106.70, 10.77], [106.71, 10.77], [106.71, 10.78], [106.70, 10.78], [106.70, 10.77]]


def test_self_intersecting_polygon_is_repaired_and_reported(importer, tmp_path):
    path = write_geojson(
        tmp_path,
        [
            {"type": "Polygon", "coordinates": [SQUARE]},
            {"type": "Polygon", "coordinates": [BOWTIE]},
        ],
    )
    report = importer(path, layer="parcels")
    assert report.committed and report.imported == 2
    assert report.repaired_count == 1
    assert report.repaired[0].row == 2
    assert "Self-intersection" in report.repaired[0].reason
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (attributes->>'n')::int, ST_IsValid(geom), GeometryType(geom), ST_Area(geom) "
            "FROM layers_feature f JOIN layers_layer l ON l.id = f.layer_id "
            "WHERE l.slug = 'parcels' ORDER BY 1"
        )
        rows = cursor.fetchall()
    assert [r[1:3] for r in rows] == [(True, "MULTIPOLYGON"), (True, "MULTIPOLYGON")]
    # The repaired bow-tie keeps both triangles: half the square's area.
    assert rows[1][3] == pytest.approx(rows[0][3] / 2, rel=1e-9)


def test_empty_and_missing_geometries_are_rejected_with_row_numbers(importer, tmp_path):
    path = write_geojson(
        tmp_path,
        [
            {"type": "Point", "coordinates": [106.7, 10.77]},
            {"type": "Polygon", "coordinates": []},
            None,
            {"type": "Point", "coordinates": [106.71, 10.78]},
        ],
    )
    report = importer(path, layer="points", partial=True)
    assert (report.rows_read, report.imported, report.rejected_count) == (4, 2, 2)
    assert [(n.row, n.reason) for n in report.rejected] == [
        (2, "empty geometry"),
        (3, "no geometry"),
    ]


def test_without_partial_one_bad_row_writes_nothing(importer, tmp_path):
    path = write_geojson(
        tmp_path, [{"type": "Point", "coordinates": [106.7, 10.77]}, None], name="one_bad.geojson"
    )
    report = importer(path, layer="points")
    assert not report.committed
    assert report.rejected_count == 1 and report.imported == 0
    assert not Layer.objects.filter(slug="points").exists()
    assert "Nothing was written" in report.summary()


def test_z_and_m_are_dropped(importer):
    report = importer(PYOGRIO_FIXTURES / "line_zm.gpkg", layer="lines")
    assert report.imported == 1
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_NDims(geom), ST_Zmflag(geom) FROM layers_feature f "
            "JOIN layers_layer l ON l.id = f.layer_id WHERE l.slug = 'lines'"
        )
        assert cursor.fetchone() == (2, 0)


@pytest.mark.parametrize(
    ("fixture", "stored"),
    [
        ("curve.gpkg", "MULTILINESTRING"),
        ("curvepolygon.gpkg", "MULTIPOLYGON"),
        ("multisurface.gpkg", "MULTIPOLYGON"),
    ],
)
def test_curves_are_linearised(importer, fixture, stored):
    report = importer(PYOGRIO_FIXTURES / fixture, layer="curves", srs="EPSG:4326")
    assert report.imported == 1 and report.rejected_count == 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT GeometryType(geom), ST_IsValid(geom) FROM layers_feature f "
            "JOIN layers_layer l ON l.id = f.layer_id WHERE l.slug = 'curves'"
        )
        assert cursor.fetchone() == (stored, True)


def test_polygons_and_multipolygons_become_one_multipolygon_layer(importer):
    # Natural Earth mixes 45 Polygons and 18 MultiPolygons.
    report = importer(PROVINCES_GEOJSON, layer="provinces")
    assert report.geometry_type == "MultiPolygon"
    kinds = {f.geom.geom_type for f in Feature.objects.filter(layer__slug="provinces")}
    assert kinds == {"MultiPolygon"}


def test_multipoint_with_two_points_does_not_fit_a_point_layer(importer, tmp_path):
    first = write_geojson(
        tmp_path, [{"type": "Point", "coordinates": [106.7, 10.77]}], name="first.geojson"
    )
    importer(first, layer="points")
    second = write_geojson(
        tmp_path,
        [
            {"type": "MultiPoint", "coordinates": [[106.7, 10.77]]},
            {"type": "MultiPoint", "coordinates": [[106.7, 10.77], [106.71, 10.78]]},
            {"type": "LineString", "coordinates": [[106.7, 10.77], [106.71, 10.78]]},
        ],
        name="second.geojson",
    )
    report = importer(second, layer="points", mode="append", partial=True)
    assert report.imported == 1
    assert [(n.row, n.reason) for n in report.rejected] == [
        (2, "MultiPoint with 2 parts does not fit a Point layer"),
        (3, "LineString does not fit a Point layer"),
    ]
    kinds = {f.geom.geom_type for f in Feature.objects.filter(layer__slug="points")}
    assert kinds == {"Point"}


def test_mixed_kinds_make_a_geometry_layer(importer, tmp_path):
    path = write_geojson(
        tmp_path,
        [
            {"type": "Point", "coordinates": [106.7, 10.77]},
            {"type": "Polygon", "coordinates": [SQUARE]},
        ],
    )
    report = importer(path, layer="mixed")
    assert report.geometry_type == "Geometry"
    kinds = sorted(f.geom.geom_type for f in Feature.objects.filter(layer__slug="mixed"))
    assert kinds == ["MultiPolygon", "Point"]


def test_features_outside_the_city_are_flagged_but_kept(importer):
    report = importer(PROVINCES_GEOJSON, layer="provinces")
    _meta, _fids, geoms, _cols = pyogrio.raw.read(PROVINCES_GEOJSON)
    box = shapely.box(*city_extent())
    outside = [i + 1 for i, g in enumerate(shapely.from_wkb(geoms)) if not g.intersects(box)]
    assert 0 < len(outside) < 63
    assert report.outside_city == outside
    assert report.outside_count == len(outside)
    assert report.imported == 63
    assert any("outside the city" in note for note in report.notes)
