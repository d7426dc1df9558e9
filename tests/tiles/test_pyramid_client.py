"""An import of a new or replaced layer of Points counts its pyramid as it reads the file
(importers/cells.py) and copies the cells in: they equal the rebuild's from the rows, cell
for cell, at the world's edges, on cell edges and for the city; every other case (counted
attributes, MultiPoints, rows dropped after staging) is still counted by the SQL."""

import math
from functools import partial

import numpy as np
import pyogrio.raw
import pytest
import shapely
from django.db import connection

from importers import cells as cells_module
from importers import reader
from importers.cells import _halved, _to_mercator
from layers.models import Layer
from tests.importers.conftest import SHARED, do_import
from tests.tiles.test_pyramid_recount import EDGES, _assert_layer_equals_the_rebuild, _cells
from tiles.pyramid import HALF, TOP_LEVEL, cell_size

pytestmark = pytest.mark.django_db

CITY = SHARED / "geonames" / "geonames_cities500_hcmc_region.geojson"


def _gpkg(tmp_path, geoms: list, name: str = "diem.gpkg", keys: list | None = None):
    """A GeoPackage of ``geoms`` (shapely geometries or None) with a text field ``ma``."""
    path = tmp_path / name
    keys = keys or [f"M-{i}" for i in range(len(geoms))]
    wkb = np.array([None if g is None else shapely.to_wkb(g) for g in geoms], dtype=object)
    kinds = {g.geom_type for g in geoms if g is not None}
    pyogrio.raw.write(
        path,
        wkb,
        [np.array(keys, dtype=object)],
        ["ma"],
        driver="GPKG",
        geometry_type=kinds.pop() if len(kinds) == 1 else "Unknown",
        crs="EPSG:4326",
    )
    return path


def _edge_points() -> list:
    """EDGES, and points a hair either side of cell edges of the finest level (and the
    point itself, as close to the edge as a longitude or latitude can say)."""
    top = cell_size(TOP_LEVEL)
    points = [shapely.Point(lon, lat) for lon, lat in EDGES]
    to_lonlat = _to_mercator()
    for k in (291_912, 291_913, 524_288, 100_000):  # columns and rows of level 14
        edge = -HALF + k * top
        lon, lat = to_lonlat.transform(edge, HALF - k * top, direction="INVERSE")
        for step in (-math.inf, math.inf):
            for far in range(3):
                lon_near, lat_near = lon, lat
                for _ in range(far):
                    lon_near, lat_near = (
                        math.nextafter(lon_near, step),
                        math.nextafter(lat_near, step),
                    )
                points.append(shapely.Point(lon_near, 10.7769))
                points.append(shapely.Point(106.7009, lat_near))
    return points


def _counted_by_the_importer(report) -> bool:
    return "pyramid_counted" in report.timings


def test_the_mercator_position_is_st_transforms_to_the_last_bit():
    lon, lat = np.array(EDGES).T
    x, y = _to_mercator().transform(lon, lat)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_X(p), ST_Y(p) FROM unnest(%s::float8[], %s::float8[]) "
            "WITH ORDINALITY AS e (lon, lat, i), "
            "LATERAL ST_Transform(ST_SetSRID(ST_MakePoint(lon, lat), 4326), 3857) AS p "
            "ORDER BY i",
            [lon.tolist(), lat.tolist()],
        )
        expected = np.array(cursor.fetchall())
    assert (x == expected[:, 0]).all() and (y == expected[:, 1]).all()


def test_a_coarser_cell_halves_toward_zero_as_sql_does():
    cells = np.array([-5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c / 2 FROM unnest(%s::int[]) WITH ORDINALITY AS c (c, i) ORDER BY i",
            [cells.tolist()],
        )
        expected = [row[0] for row in cursor.fetchall()]
    assert _halved(cells).tolist() == expected


def test_a_new_layer_at_the_worlds_and_cells_edges_is_counted_by_the_importer(tmp_path):
    points = _edge_points()
    report = do_import(_gpkg(tmp_path, points), layer="bien-o")
    assert report.committed and report.imported == len(points)
    assert _counted_by_the_importer(report)
    cells = _assert_layer_equals_the_rebuild("bien-o")
    assert any(key[3] < 0 for key in cells)  # north of Web Mercator's limit


def test_the_citys_places_are_counted_by_the_importer(tmp_path):
    report = do_import(CITY, layer="dia-danh")
    assert report.committed and report.imported == 86
    assert _counted_by_the_importer(report)
    cells = _assert_layer_equals_the_rebuild("dia-danh")
    assert sum(n for key, (n, _sx, _sy) in cells.items() if key[1] == 0) == 86


@pytest.fixture
def small_batches(monkeypatch):
    """The file read 16 rows at a time, so that cells come in many batches."""
    monkeypatch.setattr(reader, "open_layer", partial(reader.open_layer, batch_size=16))


def test_cells_merged_as_they_grow_are_still_the_rebuilds(small_batches, monkeypatch):
    monkeypatch.setattr(cells_module, "MERGE_AT", 40)
    report = do_import(CITY, layer="dia-danh")
    assert report.committed and _counted_by_the_importer(report)
    _assert_layer_equals_the_rebuild("dia-danh")


def test_more_distinct_cells_than_the_cap_are_counted_in_sql(small_batches, monkeypatch):
    monkeypatch.setattr(cells_module, "MERGE_AT", 40)
    monkeypatch.setattr(cells_module, "MAX_CELLS", 50)
    report = do_import(CITY, layer="dia-danh")
    assert report.committed and report.imported == 86
    assert not _counted_by_the_importer(report)
    _assert_layer_equals_the_rebuild("dia-danh")


def test_empty_and_rejected_rows_of_a_partial_import_are_not_counted(tmp_path):
    rows = [shapely.Point(106.70, 10.77), None, shapely.from_wkt("POINT EMPTY")]
    rows += [shapely.Point(106.71, 10.79), shapely.Point(106.72, 10.78)]
    # A blank key rejects its row after the geometry checks (importers/services.py).
    path = _gpkg(tmp_path, rows, keys=["A", "B", "C", " ", "E"])
    report = do_import(path, layer="mot-phan", key="ma", partial=True)
    assert report.committed and report.imported == 2 and report.rejected_count == 3
    assert _counted_by_the_importer(report)
    cells = _assert_layer_equals_the_rebuild("mot-phan")
    assert sum(n for key, (n, _sx, _sy) in cells.items() if key[1] == 0) == 2


def test_a_replaced_layer_has_only_the_new_files_cells(tmp_path):
    do_import(_gpkg(tmp_path, _edge_points()), layer="thay-the")
    city = do_import(CITY, layer="thay-the", mode="replace")
    assert city.committed and city.deleted == len(_edge_points())
    assert _counted_by_the_importer(city)
    cells = _assert_layer_equals_the_rebuild("thay-the")
    assert sum(n for key, (n, _sx, _sy) in cells.items() if key[1] == 0) == 86


def _cells_written() -> int:
    """Rows this transaction has inserted into the pyramid's partitions and the imports'
    tables of cells, rolled back ones too."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(n_tup_ins), 0) FROM pg_stat_xact_user_tables "
            "WHERE relname LIKE 'tiles\\_pointcell\\_%'"
        )
        return cursor.fetchone()[0]


def test_a_dry_run_leaves_the_layers_cells_as_they_were_and_writes_none(tmp_path):
    do_import(CITY, layer="thu")
    before, written = _cells("thu"), _cells_written()
    assert written > 0  # the import's own cells: the counter sees them
    report = do_import(_gpkg(tmp_path, _edge_points()), layer="thu", mode="replace", dry_run=True)
    assert not report.committed and report.imported == len(_edge_points())
    # No cell written only to be rolled back.
    assert not _counted_by_the_importer(report) and _cells_written() == written
    assert _cells("thu") == before


def test_a_replaced_layer_with_counted_attributes_is_counted_in_sql(tmp_path):
    do_import(CITY, layer="nhom")
    Layer.objects.filter(slug="nhom").update(cluster_attributes=["ma"])
    points = [shapely.Point(lon, lat) for lon, lat in EDGES]
    report = do_import(_gpkg(tmp_path, points), layer="nhom", mode="replace")
    assert report.committed and not _counted_by_the_importer(report)
    cells = _assert_layer_equals_the_rebuild("nhom")
    assert {key[4] for key in cells} == {""} | {f"ma=M-{i}" for i in range(len(points))}


def test_rows_dropped_for_a_repeated_key_are_counted_in_sql(tmp_path):
    points = [shapely.Point(106.70 + i * 0.01, 10.77) for i in range(4)]
    path = _gpkg(tmp_path, points, keys=["A", "B", "A", "C"])
    report = do_import(path, layer="trung-ma", key="ma", partial=True)
    assert report.committed and report.imported == 3
    assert not _counted_by_the_importer(report)
    cells = _assert_layer_equals_the_rebuild("trung-ma")
    assert sum(n for key, (n, _sx, _sy) in cells.items() if key[1] == 0) == 3


def test_a_layer_of_multipoints_is_counted_in_sql(tmp_path):
    multipoints = [shapely.MultiPoint([(lon, lat), (-lon, -lat)]) for lon, lat in EDGES]
    report = do_import(_gpkg(tmp_path, multipoints), layer="cum")
    assert report.committed and report.geometry_type == "MultiPoint"
    assert not _counted_by_the_importer(report)
    _assert_layer_equals_the_rebuild("cum")
