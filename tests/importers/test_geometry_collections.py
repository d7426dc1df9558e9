"""GeometryCollections at import: flattened into the Multi* of their kind, or rejected.

A nested GeometryCollection used to be stored as it came, and then broke every output
(``ST_AsGeoJSON`` refuses it: a 500 for a page, a cut-off export, a failed OGC client). Now
a collection of one kind becomes the Multi* of that kind, a mix of kinds is rejected per
row (a vector tile holds one kind per feature), and coordinates beyond the poles or the
antimeridian are rejected too. The same file goes through the core, ``manage.py
import_layer`` and the upload API; what is stored is then read through every output.
"""

import json
from io import StringIO

import mapbox_vector_tile
import numpy as np
import pytest
import shapely
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import translation
from psycopg import sql

from importers import geometry
from importers.extent import city_extent
from layers.writable import writable_sql
from tests.importers.conftest import import_file, write_geojson
from tests.importers.queue import run_next
from tests.tiles.xyz import tile_of

pytestmark = pytest.mark.django_db

# District 1 and around: inside the city's extent.
P1, P2, P3 = [106.700, 10.770], [106.705, 10.775], [106.710, 10.780]
SQUARE = [[106.70, 10.77], [106.71, 10.77], [106.71, 10.78], [106.70, 10.78], [106.70, 10.77]]
EAST_SQUARE = [[106.72, 10.77], [106.73, 10.77], [106.73, 10.78], [106.72, 10.78], [106.72, 10.77]]
# Overlaps SQUARE by half: as a MultiPolygon the two are invalid until merged.
OVERLAPPING = [
    [106.705, 10.77],
    [106.715, 10.77],
    [106.715, 10.78],
    [106.705, 10.78],
    [106.705, 10.77],
]
MIXED_REASON = (
    "GeometryCollection mixing LineString, Point: a feature holds one kind of geometry "
    "(a vector tile cannot draw a mix); split it into one feature per kind"
)
RANGE_REASON = "coordinates beyond longitude -180…180° or latitude -90…90° in WGS 84"


def collection(*geometries: dict) -> dict:
    """A GeoJSON GeometryCollection."""
    return {"type": "GeometryCollection", "geometries": list(geometries)}


def point(xy: list[float]) -> dict:
    return {"type": "Point", "coordinates": xy}


def polygon(ring: list[list[float]]) -> dict:
    return {"type": "Polygon", "coordinates": [ring]}


def stored(slug: str) -> list[tuple[int, str]]:
    """(n, WKT) of the layer's features, by n."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (f.attributes->>'n')::int, ST_AsText(f.geom) FROM layers_feature f "
            "JOIN layers_layer l ON l.id = f.layer_id WHERE l.slug = %s ORDER BY 1",
            [slug],
        )
        return cursor.fetchall()


def nested_points_file(tmp_path):
    """Row 1 a point; row 2 two points, one of them inside a nested collection."""
    return write_geojson(tmp_path, [point(P1), collection(point(P2), collection(point(P3)))])


def mixed_file(tmp_path):
    """Row 2 mixes a point and a line in one collection (nested)."""
    line = {"type": "LineString", "coordinates": [P1, P3]}
    return write_geojson(tmp_path, [point(P1), collection(point(P2), collection(line)), point(P3)])


# --- the core -----------------------------------------------------------------------------


def test_nested_collection_of_points_becomes_a_multipoint(importer, tmp_path):
    report = importer(nested_points_file(tmp_path), layer="diem")
    assert (report.committed, report.imported, report.rejected_count) == (True, 2, 0)
    assert report.geometry_type == "MultiPoint"
    assert stored("diem") == [
        (1, "MULTIPOINT((106.7 10.77))"),
        (2, "MULTIPOINT((106.705 10.775),(106.71 10.78))"),
    ]


def test_collection_of_one_point_fits_a_point_layer(importer, tmp_path):
    path = write_geojson(tmp_path, [point(P1), collection(collection(point(P2)))])
    report = importer(path, layer="diem-don")
    assert (report.imported, report.rejected_count, report.geometry_type) == (2, 0, "Point")
    assert stored("diem-don") == [(1, "POINT(106.7 10.77)"), (2, "POINT(106.705 10.775)")]


def test_nested_collection_of_polygons_becomes_a_multipolygon(importer, tmp_path):
    path = write_geojson(
        tmp_path,
        [polygon(SQUARE), collection(polygon(SQUARE), collection(polygon(EAST_SQUARE)))],
    )
    report = importer(path, layer="thua-dat")
    assert (report.imported, report.rejected_count, report.repaired_count) == (2, 0, 0)
    assert report.geometry_type == "MultiPolygon"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT GeometryType(geom), ST_NumGeometries(geom) FROM layers_feature f "
            "JOIN layers_layer l ON l.id = f.layer_id WHERE l.slug = 'thua-dat' "
            "ORDER BY (attributes->>'n')::int"
        )
        assert cursor.fetchall() == [("MULTIPOLYGON", 1), ("MULTIPOLYGON", 2)]


def test_overlapping_polygons_of_a_collection_are_merged_and_reported(importer, tmp_path):
    path = write_geojson(tmp_path, [collection(polygon(SQUARE), polygon(OVERLAPPING))])
    report = importer(path, layer="chong-lan")
    assert (report.imported, report.repaired_count) == (1, 1)
    assert report.repaired[0].row == 1
    assert "Self-intersection" in report.repaired[0].reason
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT GeometryType(geom), ST_IsValid(geom), ST_Area(geom) "
            "FROM layers_feature f JOIN layers_layer l ON l.id = f.layer_id "
            "WHERE l.slug = 'chong-lan'"
        )
        # The union of the two 0.01° squares overlapping by half: 1.5 squares.
        assert cursor.fetchall() == [("MULTIPOLYGON", True, pytest.approx(0.00015))]


def test_mixed_collection_is_rejected_with_its_row_and_reason(importer, tmp_path):
    report = importer(mixed_file(tmp_path), layer="tron")
    assert (report.committed, report.imported, report.rejected_count) == (False, 0, 1)
    assert [(n.row, n.reason) for n in report.rejected] == [(2, MIXED_REASON)]
    assert stored("tron") == []


def test_mixed_collection_with_partial_keeps_the_other_rows(importer, tmp_path):
    report = importer(mixed_file(tmp_path), layer="tron", partial=True)
    assert (report.committed, report.imported, report.rejected_count) == (True, 2, 1)
    assert stored("tron") == [(1, "POINT(106.7 10.77)"), (3, "POINT(106.71 10.78)")]


def test_collection_of_empty_collections_is_an_empty_geometry(importer, tmp_path):
    path = write_geojson(tmp_path, [point(P1), collection(collection(), collection())])
    report = importer(path, layer="rong", partial=True)
    assert [(n.row, n.reason) for n in report.rejected] == [(2, "empty geometry")]
    assert report.imported == 1


def test_latitude_beyond_the_pole_is_rejected_per_row():
    """A file whose first rows are in range passes the CRS check (importers/crs.py reads
    the first batch's bounds); a later row beyond the pole is then a rejected row. Here
    the check of one batch, as the core makes it."""
    rows = shapely.to_wkb([shapely.Point(*P1), shapely.Point(106.7, 91.0), shapely.Point(181, 10)])
    checked = geometry.check(np.array(rows, dtype=object), "Point", None, False, city_extent())
    assert checked.rejected == {1: RANGE_REASON, 2: RANGE_REASON}
    assert [g is None for g in checked.geoms] == [False, True, True]


def test_every_stored_geometry_is_one_the_outputs_write_as_it_is(importer, tmp_path):
    """What the importer stores passes ``layers.writable`` unchanged: no output needs to
    alter (or drop) any imported geometry."""
    path = write_geojson(
        tmp_path,
        [
            point(P1),
            collection(point(P2), collection(point(P3))),
            collection(polygon(SQUARE), polygon(OVERLAPPING)),
            {"type": "LineString", "coordinates": [P1, P3]},
        ],
    )
    report = importer(path, layer="ghi-duoc")
    assert (report.imported, report.geometry_type) == (4, "Geometry")
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL(
                "SELECT count(*) FILTER (WHERE {} = f.geom), count(*) "
                "FROM layers_feature f JOIN layers_layer l ON l.id = f.layer_id "
                "WHERE l.slug = 'ghi-duoc'"
            ).format(writable_sql(sql.SQL("f.geom")))
        )
        assert cursor.fetchone() == (4, 4)


# --- the command and the API ---------------------------------------------------------------


def test_command_flattens_the_nested_collection(tmp_path):
    out = StringIO()
    with translation.override("en"):
        call_command(
            "import_layer", str(nested_points_file(tmp_path)), "--layer", "diem", stdout=out
        )
    assert "imported 2," in out.getvalue()
    assert stored("diem")[1] == (2, "MULTIPOINT((106.705 10.775),(106.71 10.78))")


def test_command_refuses_the_mixed_collection_with_its_row(tmp_path):
    out = StringIO()
    with translation.override("en"), pytest.raises(CommandError) as refused:
        call_command("import_layer", str(mixed_file(tmp_path)), "--layer", "tron", stdout=out)
    assert str(refused.value) == "1 rows rejected; nothing was imported."
    assert f"row 2: rejected: {MIXED_REASON}" in out.getvalue().splitlines()


def test_api_rejects_the_mixed_collection_in_the_job_report(client, staff, tmp_path):
    job = import_file(client, mixed_file(tmp_path), layer="tron")
    assert job["status"] == "rejected"
    assert job["report"]["rejected"] == [{"row": 2, "reason": MIXED_REASON}]
    assert run_next() is None


def test_api_import_of_nested_collections_serves_every_output(client, staff, tmp_path):
    """Imported through the API, the layer reads back whole through each output."""
    job = import_file(client, nested_points_file(tmp_path), layer="diem")
    assert (job["status"], job["report"]["imported"]) == ("succeeded", 2)
    expected = [
        {"type": "MultiPoint", "coordinates": [P1]},
        {"type": "MultiPoint", "coordinates": [P2, P3]},
    ]
    page = client.get("/api/v1/layers/diem/features/?ordering=n")
    assert page.status_code == 200
    assert [f["geometry"] for f in page.json()["features"]] == expected
    export = client.get("/api/v1/layers/diem/export/?ordering=n")
    assert export.status_code == 200
    body = json.loads(b"".join(export.streaming_content))
    assert [f["geometry"] for f in body["features"]] == expected
    items = client.get("/ogc/collections/diem/items?sortby=n&f=json")
    assert items.status_code == 200
    assert [f["geometry"] for f in json.loads(b"".join(items.streaming_content))["features"]] == (
        expected
    )
    listed = client.get("/ogc/collections?f=json")
    assert listed.status_code == 200
    assert "diem" in [c["id"] for c in listed.json()["collections"]]
    x, y = tile_of(*P2, 16)
    tile = client.get(f"/tiles/diem/16/{x}/{y}.mvt")
    assert tile.status_code == 200
    decoded = mapbox_vector_tile.decode(tile.content)["diem"]["features"]
    assert {f["properties"]["n"] for f in decoded} == {2}
