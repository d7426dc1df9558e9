"""The point-count pyramid behind clustered tiles stays equal to a recount from scratch."""

import gzip
import math
from collections import Counter

import mapbox_vector_tile
import pytest
from django.contrib.gis.geos import Point
from django.db import connection

from layers.models import Facility, FacilityCategory, Feature, Layer
from tests.tiles.xyz import tile_of
from tiles.mvt import MAX_POINTS_PER_TILE
from tiles.pyramid import TOP_LEVEL

pytestmark = pytest.mark.django_db

BEN_THANH = (106.7009, 10.7769)


def pyramid() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT layer, z, cx, cy, grp, n, sx, sy FROM tiles_pointcell WHERE n > 0")
        return {row[:5]: (row[5], row[6], row[7]) for row in cursor.fetchall()}


def recounted() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tiles_cells_rebuild()")
    return pyramid()


def test_every_level_counts_every_facility_once():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT z, sum(n) FROM tiles_pointcell WHERE layer = 'facilities' AND grp = '' "
            "GROUP BY z"
        )
        per_level = dict(cursor.fetchall())
    assert set(per_level) == set(range(TOP_LEVEL + 1))
    assert set(per_level.values()) == {Facility.objects.count()}


def test_a_cell_holds_the_facilities_whose_mercator_position_falls_in_it():
    facility = Facility.objects.select_related("category").order_by("pk").first()
    lon, lat = facility.geom.x, facility.geom.y
    x = math.radians(lon) * 6378137.0
    y = math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) * 6378137.0
    size = 40075016.685578488 / 2**TOP_LEVEL / 64
    cx, cy = (
        math.floor((x + 20037508.342789244) / size),
        math.floor((20037508.342789244 - y) / size),
    )
    cells = pyramid()
    assert cells[("facilities", TOP_LEVEL, cx, cy, f"category={facility.category.code}")][0] >= 1
    assert cells[("facilities", TOP_LEVEL, cx, cy, "")][0] >= 1


def test_writes_keep_the_pyramid_equal_to_a_recount():
    category = FacilityCategory.objects.get(code="cho")
    added = Facility.objects.create(
        category=category, name="Chợ mới", geom=Point(*BEN_THANH, srid=4326)
    )
    moved = Facility.objects.exclude(pk=added.pk).order_by("pk").first()
    moved.geom = Point(106.65, 10.80, srid=4326)
    moved.save()
    Facility.objects.filter(pk=Facility.objects.order_by("-pk")[1].pk).delete()
    Facility.objects.filter(category__code="cong_vien").update(category=category)
    layer = Layer.objects.create(slug="den", title="Đèn", geometry_type="Point")
    Feature.objects.bulk_create(
        Feature(layer=layer, geom=Point(106.70 + i / 1000, 10.78, srid=4326)) for i in range(50)
    )
    Feature.objects.filter(layer=layer)[:1].get().delete()
    incremental = pyramid()
    recount = recounted()
    assert incremental.keys() == recount.keys()
    for key, (n, sx, sy) in incremental.items():
        # Sums of metres added in another order differ in the last bits only.
        assert (n, sx, sy) == (
            recount[key][0],
            pytest.approx(recount[key][1], abs=0.01),
            pytest.approx(recount[key][2], abs=0.01),
        )
    den = [v[0] for k, v in incremental.items() if k[0] == "den" and k[1] == 10 and k[4] == ""]
    assert sum(den) == 49


def test_renaming_a_category_regroups_its_cells():
    FacilityCategory.objects.filter(code="cho").update(code="cho_dan_sinh")
    groups = {key[4] for key in pyramid() if key[0] == "facilities"}
    assert "category=cho_dan_sinh" in groups and "category=cho" not in groups


def test_a_tile_too_dense_for_points_carries_cells_and_its_children_points(client):
    z = 14
    x, y = tile_of(*BEN_THANH, z)
    layer = Layer.objects.create(slug="dien-thoai", title="Điện thoại", geometry_type="Point")
    n = MAX_POINTS_PER_TILE + 500
    # A 100 × 85 grid of points inside one z16 child of the z14 tile.
    cx, cy = tile_of(*BEN_THANH, 16)
    west = cx / 2**16 * 360 - 180
    north = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * cy / 2**16))))
    Feature.objects.bulk_create(
        Feature(
            layer=layer,
            geom=Point(
                west + 0.0002 + (i % 100) * 0.00005,
                north - 0.0002 - (i // 100) * 0.00005,
                srid=4326,
            ),
        )
        for i in range(n)
    )

    def decode(zoom: int, tx: int, ty: int) -> list[dict]:
        response = client.get(f"/tiles/dien-thoai/{zoom}/{tx}/{ty}.mvt")
        assert response.status_code == 200, response.content
        data = response.content
        if response.get("Content-Encoding") == "gzip":
            data = gzip.decompress(data)
        return mapbox_vector_tile.decode(data)["dien-thoai"]["features"]

    dense = decode(z, x, y)
    assert all(f["properties"].get("cluster") for f in dense)
    assert sum(f["properties"]["count"] for f in dense) == n
    children = {tile_of(f.geom.x, f.geom.y, 16) for f in layer.features.all()}
    assert len(children) == 1
    (child,) = children
    points = decode(16, *child)
    assert len(points) == n and not any("cluster" in f["properties"] for f in points)
    # Zoom 15 is finer than the pyramid's finest level: its dense tile counts its cells from
    # its points as it is made, with the same total.
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(z) FROM tiles_pointcell WHERE layer = 'dien-thoai'")
        assert cursor.fetchone() == (TOP_LEVEL,) and TOP_LEVEL < 15
    cells = decode(15, child[0] // 2, child[1] // 2)
    assert cells and all(f["properties"].get("cluster") for f in cells)
    assert sum(f["properties"]["count"] for f in cells) == n


def test_cells_count_by_each_declared_attribute(client):
    layer = Layer.objects.create(
        slug="phan-anh",
        title="Phản ánh",
        geometry_type="Point",
        cluster_attributes=["status", "category"],
    )
    statuses = ["received", "resolved", "resolved"]
    Feature.objects.bulk_create(
        Feature(
            layer=layer,
            geom=Point(106.70 + i / 10000, 10.78, srid=4326),
            attributes={"status": statuses[i % 3], "category": "flood" if i < 10 else "litter"},
        )
        for i in range(30)
    )
    x, y = tile_of(106.70, 10.78, 8)
    response = client.get(f"/tiles/phan-anh/8/{x}/{y}.mvt")
    data = response.content
    if response.get("Content-Encoding") == "gzip":
        data = gzip.decompress(data)
    cells = mapbox_vector_tile.decode(data)["phan-anh"]["features"]
    totals = Counter()
    for cell in cells:
        totals.update(cell["properties"])
    assert totals["count"] == 30
    assert (totals["count_status_received"], totals["count_status_resolved"]) == (10, 20)
    assert (totals["count_category_flood"], totals["count_category_litter"]) == (10, 20)


def test_saving_a_layer_unchanged_keeps_its_tiles_and_counts(client):
    layer = Layer.objects.create(slug="cot-dien", title="Cột điện", geometry_type="Point")
    Feature.objects.create(layer=layer, geom=Point(*BEN_THANH, srid=4326))
    with connection.cursor() as cursor:
        # As if that write had committed long ago (this test runs in one transaction, and a
        # tile read while its layer's write is uncommitted is never stored).
        cursor.execute("UPDATE tiles_tiledirty SET xid = 3 WHERE layer = 'cot-dien'")
    x, y = tile_of(*BEN_THANH, 16)
    assert client.get(f"/tiles/cot-dien/16/{x}/{y}.mvt").status_code == 200
    from tiles.models import CachedTile

    assert CachedTile.objects.filter(layers_key="cot-dien").count() == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT ctid::text FROM tiles_pointcell WHERE layer = 'facilities' LIMIT 1")
        (facility_row,) = cursor.fetchone()
    layer.title = "Cột điện chiếu sáng"  # tiles do not show titles
    layer.save()
    assert CachedTile.objects.filter(layers_key="cot-dien").count() == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT ctid::text FROM tiles_pointcell WHERE layer = 'facilities' LIMIT 1")
        assert cursor.fetchone() == (facility_row,)  # other layers were not recounted

    layer.cluster_attributes = ["loai"]
    layer.save()
    assert not CachedTile.objects.filter(layers_key="cot-dien").exists()
    groups = {k[4] for k in pyramid() if k[0] == "cot-dien"}
    assert groups == {"", "loai="}


def test_deleting_or_moving_every_point_of_a_cell_drops_the_cell():
    layer = Layer.objects.create(slug="tam-thoi", title="Tạm thời", geometry_type="Point")
    Feature.objects.bulk_create(
        Feature(layer=layer, geom=Point(106.70 + i / 1000, 10.78, srid=4326)) for i in range(5)
    )
    Feature.objects.filter(layer=layer).update(geom=Point(106.60, 10.70, srid=4326))
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tiles_pointcell WHERE n <= 0")
        assert cursor.fetchone() == (0,)
        cursor.execute(
            "SELECT count(*) FROM tiles_pointcell WHERE layer = 'tam-thoi' AND z = %s", [TOP_LEVEL]
        )
        assert cursor.fetchone() == (1,)  # all five now in one cell
    Feature.objects.filter(layer=layer).delete()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tiles_pointcell WHERE layer = 'tam-thoi'")
        assert cursor.fetchone() == (0,)
