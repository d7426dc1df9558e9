"""A layer's point pyramid counted again set-based (tiles/pyramid.py ``recount_layer_sql``)
equals the whole pyramid's rebuild from scratch (``rebuild_sql``), cell for cell: with and
without counted attributes, for MultiPoints, empty geometries, points at the world's edges
and across the antimeridian, from the feature table or from a standalone table."""

import pytest
from django.contrib.gis.geos import GEOSGeometry, MultiPoint, Point
from django.db import connection

from layers.models import Feature, Layer
from tests.tiles.test_point_pyramid import pyramid, recounted
from tiles.pyramid import BULK_SETTING, TOP_LEVEL, recount_layer_sql

pytestmark = pytest.mark.django_db

# Points around the city and at the edges of Web Mercator: the antimeridian (both sides),
# beyond its latitude limit (negative cell rows), the equator and the prime meridian.
EDGES = [
    (106.7009, 10.7769),
    (106.70091, 10.77691),
    (180.0, 89.9),
    (-180.0, -89.0),
    (179.99999, -85.06),
    (-179.99999, 85.06),
    (179.9, 0.0),
    (-179.9, 0.0),
    (0.0, 0.0),
    (-0.00001, -0.00001),
    (-73.9857, 40.7484),
    (151.2153, -33.8568),
    (-58.3816, -34.6037),
]


def _layer(slug: str, geometry_type: str = "Point", attributes: list | None = None) -> Layer:
    return Layer.objects.create(
        slug=slug, title=slug, geometry_type=geometry_type, cluster_attributes=attributes or []
    )


def _bulk(layer: Layer, features: list[Feature]) -> None:
    """Writes that skip the pyramid's trigger, as an import's do (the layer has no cells)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, 'on', true)", [BULK_SETTING])
        Feature.objects.bulk_create(features)
        cursor.execute("SELECT set_config(%s, '', true)", [BULK_SETTING])


def _recount(layer: Layer, source: str = "layers_feature") -> None:
    with connection.cursor() as cursor:
        cursor.execute(recount_layer_sql(source), [layer.slug, layer.pk])


def _cells(slug: str) -> dict:
    return {key: value for key, value in pyramid().items() if key[0] == slug}


def _assert_layer_equals_the_rebuild(slug: str) -> dict:
    counted = _cells(slug)
    rebuilt = {key: value for key, value in recounted().items() if key[0] == slug}
    assert counted.keys() == rebuilt.keys()
    for key, (n, sx, sy) in counted.items():
        # Sums of metres added in another order differ in the last bits only.
        assert (n, sx, sy) == (
            rebuilt[key][0],
            pytest.approx(rebuilt[key][1], abs=0.01),
            pytest.approx(rebuilt[key][2], abs=0.01),
        )
    return counted


def _edge_features(layer: Layer, **attributes) -> list[Feature]:
    return [
        Feature(layer=layer, geom=Point(lon, lat, srid=4326), attributes=attributes)
        for lon, lat in EDGES
    ]


def test_a_layer_without_counted_attributes_equals_the_rebuild():
    layer = _layer("den-bien")
    _bulk(layer, _edge_features(layer))
    _recount(layer)
    cells = _assert_layer_equals_the_rebuild("den-bien")
    assert {key[4] for key in cells} == {""}
    per_level = {
        z: sum(n for key, (n, _sx, _sy) in cells.items() if key[1] == z)
        for z in range(TOP_LEVEL + 1)
    }
    assert set(per_level.values()) == {len(EDGES)}
    assert any(key[3] < 0 for key in cells)  # north of Web Mercator's limit


def test_a_layer_counted_by_attributes_equals_the_rebuild():
    layer = _layer("phan-anh-dem", attributes=["status", "loai"])
    statuses = ["received", "resolved", None]
    features = [
        Feature(
            layer=layer,
            geom=Point(lon, lat, srid=4326),
            attributes={"loai": "ngập nước"} | ({"status": statuses[i % 3]} if i % 3 else {}),
        )
        for i, (lon, lat) in enumerate(EDGES)
    ]
    _bulk(layer, features)
    _recount(layer)
    cells = _assert_layer_equals_the_rebuild("phan-anh-dem")
    groups = {key[4] for key in cells}
    # A missing attribute and a JSON null are both counted under "status=".
    assert groups == {"", "status=", "status=resolved", "loai=ngập nước"}


def test_multipoints_count_at_their_point_on_surface_as_in_the_rebuild():
    layer = _layer("cum-diem", geometry_type="MultiPoint")
    features = [
        Feature(
            layer=layer,
            geom=MultiPoint(Point(lon, lat), Point(-lon, -lat), Point(lon / 2, lat), srid=4326),
        )
        for lon, lat in EDGES
    ]
    _bulk(layer, features)
    _recount(layer)
    cells = _assert_layer_equals_the_rebuild("cum-diem")
    assert sum(n for key, (n, _sx, _sy) in cells.items() if key[1] == 0) == len(EDGES)


def test_empty_geometries_are_not_counted():
    layer = _layer("rong")
    empties = [GEOSGeometry("SRID=4326;POINT EMPTY"), GEOSGeometry("SRID=4326;MULTIPOINT EMPTY")]
    _bulk(layer, [Feature(layer=layer, geom=geom) for geom in empties] + _edge_features(layer))
    _recount(layer)
    cells = _assert_layer_equals_the_rebuild("rong")
    assert sum(n for key, (n, _sx, _sy) in cells.items() if key[1] == 0) == len(EDGES)


def test_a_layer_of_polygons_has_no_cells():
    layer = _layer("vung", geometry_type="Polygon")
    polygon = GEOSGeometry("SRID=4326;POLYGON((106.7 10.7, 106.8 10.7, 106.8 10.8, 106.7 10.7))")
    _bulk(layer, [Feature(layer=layer, geom=polygon)])
    _recount(layer)
    assert _cells("vung") == {}


def test_a_second_recount_replaces_the_cells_of_the_first():
    layer = _layer("hai-lan", attributes=["loai"])
    _bulk(layer, _edge_features(layer, loai="rác thải"))
    _recount(layer)
    first = _cells("hai-lan")
    with connection.cursor() as cursor:  # a stale count, as a crashed writer could leave
        cursor.execute("UPDATE tiles_pointcell SET n = n + 7 WHERE layer = 'hai-lan'")
    _recount(layer)
    assert _assert_layer_equals_the_rebuild("hai-lan") == first


def test_a_recount_leaves_other_layers_cells_alone():
    other = _layer("khac")
    Feature.objects.bulk_create(_edge_features(other))  # through the trigger
    before = _cells("khac")
    layer = _layer("mot-lop")
    _bulk(layer, _edge_features(layer))
    _recount(layer)
    assert _cells("khac") == before
    assert _cells("facilities")  # the demo facilities' cells are still there


def test_a_standalone_table_is_counted_as_the_layers_rows():
    layer = _layer("bang-moi", attributes=["loai"])
    features = _edge_features(layer, loai="cây xanh")
    with connection.cursor() as cursor:
        # An import's table built before it joins layers_feature (same columns).
        cursor.execute(
            "CREATE TEMP TABLE pyramid_new_rows "
            "(LIKE layers_feature INCLUDING DEFAULTS INCLUDING IDENTITY) ON COMMIT DROP"
        )
        cursor.execute(
            "INSERT INTO pyramid_new_rows (geom, attributes, name, name_search, source_key, "
            "layer_id) SELECT ST_SetSRID(ST_MakePoint(lon, lat), 4326), "
            "'{\"loai\": \"cây xanh\"}', '', '', '', %s "
            "FROM unnest(%s::float8[], %s::float8[]) AS p (lon, lat)",
            [layer.pk, [lon for lon, _ in EDGES], [lat for _, lat in EDGES]],
        )
    _recount(layer, source="pyramid_new_rows")
    from_table = _cells("bang-moi")
    assert sum(n for key, (n, _sx, _sy) in from_table.items() if key[1] == TOP_LEVEL) == 2 * len(
        EDGES
    )
    _bulk(layer, features)  # the same rows in the feature table: the rebuild's cells
    assert _assert_layer_equals_the_rebuild("bang-moi") == from_table


@pytest.mark.parametrize("before", ["on", "off"])
def test_the_transactions_hash_aggregate_setting_comes_back(before):
    layer = _layer("cai-dat")
    _bulk(layer, _edge_features(layer))
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('enable_hashagg', %s, true)", [before])
        cursor.execute(recount_layer_sql(), [layer.slug, layer.pk])
        cursor.execute("SELECT current_setting('enable_hashagg')")
        assert cursor.fetchone() == (before,)
    assert _cells("cai-dat")
