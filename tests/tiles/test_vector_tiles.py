"""Vector tiles read back by independent decoders: mapbox-vector-tile and GDAL's MVT driver.

Expected contents come from the ORM and from tile bounds computed here with the standard
XYZ formulas, not from the project's tile SQL.
"""

import gzip
import math
import subprocess
from collections import Counter

import mapbox_vector_tile
import psycopg
import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.gis.geos import Point, Polygon
from django.db import connection
from shapely.geometry import Point as ShapelyPoint
from shapely.geometry import shape

from layers.models import AdministrativeArea, Facility, FacilityCategory, Feature, Layer
from tests.tiles.xyz import tile_of
from tiles import cache
from tiles.models import CachedTile

pytestmark = pytest.mark.django_db

EXTENT = 4096
BEN_THANH = (106.7009, 10.7769)


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """(west, south, east, north) in degrees."""
    n = 2**z

    def lat(row: float) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return x / n * 360.0 - 180.0, lat(y + 1), (x + 1) / n * 360.0 - 180.0, lat(y)


def to_tile_space(lon: float, lat: float, z: int, x: int, y: int) -> tuple[float, float]:
    """A lon/lat in the tile's 0..4096 space, y up (as mapbox_vector_tile decodes)."""
    n = 2**z
    fx = (lon + 180.0) / 360.0 * n
    fy = (1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n
    return (fx - x) * EXTENT, (1 - (fy - y)) * EXTENT


def fetch(client, layers: str, z: int, x: int, y: int, **headers):
    return client.get(f"/tiles/{layers}/{z}/{x}/{y}.mvt", headers=headers)


def decode(response) -> dict:
    assert response.status_code == 200, response.content
    data = response.content
    if response.get("Content-Encoding") == "gzip":
        data = gzip.decompress(data)
    return mapbox_vector_tile.decode(data)


def facilities_in(bounds, inner: bool = True):
    box = Polygon.from_bbox(bounds)
    box.srid = 4326
    return (
        Facility.objects.filter(geom__within=box)
        if inner
        else Facility.objects.filter(geom__intersects=box)
    )


# --- contents ---------------------------------------------------------------------------


def test_areas_tile_holds_ben_thanh_where_it_is(client):
    ben_thanh = AdministrativeArea.objects.get(
        generation__valid_to__isnull=True, name="Phường Bến Thành"
    )
    z = 13
    x, y = tile_of(ben_thanh.label_point.x, ben_thanh.label_point.y, z)
    tile = decode(fetch(client, "areas", z, x, y))
    wards = {f["properties"]["name"]: f for f in tile["areas"]["features"]}
    feature = wards["Phường Bến Thành"]
    assert feature["properties"]["code"] == ben_thanh.code
    assert feature["properties"]["level"] == "ward"
    label = to_tile_space(ben_thanh.label_point.x, ben_thanh.label_point.y, z, x, y)
    assert shape(feature["geometry"]).contains(ShapelyPoint(label))


def test_facilities_tile_has_every_facility_inside_with_public_fields_only(client):
    z = 15
    x, y = tile_of(*BEN_THANH, z)
    tile = decode(fetch(client, "facilities", z, x, y))
    inside = facilities_in(tile_bounds(z, x, y))
    decoded = tile["facilities"]["features"]
    assert {f["id"] for f in decoded} >= set(inside.values_list("pk", flat=True))
    assert len(inside) > 0
    by_id = {f["id"]: f for f in decoded}
    facility = inside.first()
    props = by_id[facility.pk]["properties"]
    assert props["name"] == facility.name
    assert props["category"] == facility.category.code
    assert "staff_notes" not in props and "attributes" not in props
    px, py = to_tile_space(facility.geom.x, facility.geom.y, z, x, y)
    gx, gy = by_id[facility.pk]["geometry"]["coordinates"]
    assert abs(gx - px) <= 1 and abs(gy - py) <= 1


def test_low_zoom_facility_tiles_hold_counted_cells_that_add_up(client):
    z = 10
    x, y = tile_of(*BEN_THANH, z)
    features = decode(fetch(client, "facilities", z, x, y))["facilities"]["features"]
    assert features and all(f["properties"]["cluster"] is True for f in features)
    inside = facilities_in(tile_bounds(z, x, y))
    assert sum(f["properties"]["count"] for f in features) == inside.count()
    per_category = Counter(inside.values_list("category__code", flat=True))
    decoded = Counter()
    for f in features:
        for key, value in f["properties"].items():
            if key.startswith("count_category_"):
                decoded[key.removeprefix("count_category_")] += value
    assert decoded == per_category
    assert len(features) < inside.count()  # cells, not points


def test_multi_layer_tile_carries_each_layer(client):
    z = 14
    x, y = tile_of(*BEN_THANH, z)
    tile = decode(fetch(client, "areas,facilities", z, x, y))
    assert set(tile) == {"areas", "facilities"}
    alone = decode(fetch(client, "facilities", z, x, y))
    assert len(tile["facilities"]["features"]) == len(alone["facilities"]["features"])


def test_gdal_reads_a_tile_too(client, tmp_path):
    z = 14
    x, y = tile_of(*BEN_THANH, z)
    response = fetch(client, "areas,facilities", z, x, y)
    path = tmp_path / str(z) / str(x)
    path.mkdir(parents=True)
    (path / f"{y}.pbf").write_bytes(response.content)
    out = subprocess.run(
        ["ogrinfo", "-ro", "-so", "-al", str(path / f"{y}.pbf")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    decoded = decode(response)
    for layer in ("areas", "facilities"):
        block = out.split(f"Layer name: {layer}")[1]
        count = int(block.split("Feature Count: ")[1].split()[0])
        assert count == len(decoded[layer]["features"])
    assert "name: String" in out


def test_imported_layer_tiles_keep_staff_only_attributes_out(client):
    layer = Layer.objects.create(
        slug="camera",
        title="Camera giao thông",
        geometry_type="Point",
        attribute_schema=[
            {"name": "ten", "type": "string"},
            {"name": "ip", "type": "string", "public": False},
        ],
    )
    Feature.objects.create(
        layer=layer,
        geom=Point(*BEN_THANH, srid=4326),
        attributes={"ten": "Ngã sáu Phù Đổng", "ip": "10.0.0.7"},
    )
    z = 16
    x, y = tile_of(*BEN_THANH, z)
    response = fetch(client, "camera", z, x, y)
    (feature,) = decode(response)["camera"]["features"]
    assert feature["properties"] == {"ten": "Ngã sáu Phù Đổng"}
    assert (
        b"10.0.0.7" not in gzip.decompress(response.content)
        if response.get("Content-Encoding")
        else b"10.0.0.7" not in response.content
    )


# --- HTTP -------------------------------------------------------------------------------


def test_empty_tile_is_204(client):
    x, y = tile_of(110.0, 5.0, 12)  # the open sea
    assert fetch(client, "areas", 12, x, y).status_code == 204


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("areas/23/0/0.mvt", "z"),
        ("areas/3/8/0.mvt", "x"),
        ("areas/3/0/8.mvt", "y"),
        ("areas,areas/3/0/0.mvt", "layer"),
    ],
)
def test_tiles_that_cannot_exist_are_400(client, path, parameter):
    response = client.get(f"/tiles/{path}")
    assert response.status_code == 400
    assert response.json()["parameter"] == parameter


def test_unknown_and_staff_only_layers_are_404(client):
    Layer.objects.create(slug="ong-nuoc", title="Ống nước", is_public=False)
    for layers in ("nope", "ong-nuoc", "areas,ong-nuoc"):
        response = client.get(f"/tiles/{layers}/3/6/3.mvt")
        assert response.status_code == 404
        assert "detail" in response.json()
    user = User.objects.create_user("gis")
    user.user_permissions.add(Permission.objects.get(codename="view_restricted_layer"))
    client.force_login(user)
    assert client.get("/tiles/ong-nuoc/3/6/3.mvt").status_code == 204


def test_gzip_when_accepted_plain_otherwise(client):
    x, y = tile_of(*BEN_THANH, 12)
    zipped = fetch(client, "areas", 12, x, y, accept_encoding="gzip, br")
    plain = fetch(client, "areas", 12, x, y)
    assert zipped["Content-Encoding"] == "gzip"
    assert not plain.has_header("Content-Encoding")
    assert gzip.decompress(zipped.content) == plain.content
    assert plain["Content-Type"] == "application/vnd.mapbox-vector-tile"
    assert "max-age" in plain["Cache-Control"] and "Accept-Encoding" in plain["Vary"]


def test_etag_gives_304(client):
    x, y = tile_of(*BEN_THANH, 12)
    first = fetch(client, "areas", 12, x, y)
    again = fetch(client, "areas", 12, x, y, if_none_match=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    other = fetch(client, "areas", 12, x, y, if_none_match='"something-else"')
    assert other.status_code == 200


def test_tilejson_and_style(client):
    body = client.get("/tiles/areas,facilities.json").json()
    assert body["tilejson"] == "3.0.0"
    assert body["tiles"][0].endswith("/tiles/areas,facilities/{z}/{x}/{y}.mvt")
    layers = {v["id"]: v for v in body["vector_layers"]}
    assert {"name", "category", "ward_code", "count"} <= set(layers["facilities"]["fields"])
    assert "staff_notes" not in layers["facilities"]["fields"]
    west, south, east, north = body["bounds"]
    assert west < BEN_THANH[0] < east and south < BEN_THANH[1] < north
    style = client.get("/tiles/style.json").json()
    assert style["version"] == 8
    source = style["sources"]["commonmap"]
    assert source["type"] == "vector" and source["url"].endswith(".json")
    drawn = {layer.get("source-layer") for layer in style["layers"]}
    assert {"areas", "facilities"} <= drawn
    assert client.get("/tiles/nope.json").status_code == 404


# --- cache and invalidation -------------------------------------------------------------


def _cell_total(client, z: int, x: int, y: int) -> int:
    features = decode(fetch(client, "facilities", z, x, y))["facilities"]["features"]
    return sum(f["properties"].get("count", 1) for f in features)


def test_a_new_facility_shows_at_every_zoom_at_once(client):
    tiles = {z: tile_of(*BEN_THANH, z) for z in (8, 10, 12, 14, 16)}
    before = {z: _cell_total(client, z, *xy) for z, xy in tiles.items()}
    assert CachedTile.objects.filter(layers_key="facilities").count() >= len(tiles)
    category = FacilityCategory.objects.get(code="nha_ve_sinh")
    Facility.objects.create(
        category=category, name="Nhà vệ sinh mới", geom=Point(*BEN_THANH, srid=4326)
    )
    after = {z: _cell_total(client, z, *xy) for z, xy in tiles.items()}
    assert after == {z: n + 1 for z, n in before.items()}


def test_moving_and_renaming_invalidate_old_and_new_places(client):
    z = 15
    facility = Facility.objects.order_by("pk").first()
    old_xy = tile_of(facility.geom.x, facility.geom.y, z)
    target = AdministrativeArea.objects.get(generation__valid_to__isnull=True, name="Xã Bình Chánh")
    new_xy = tile_of(target.label_point.x, target.label_point.y, z)
    assert old_xy != new_xy
    ids_old = {
        f["id"] for f in decode(fetch(client, "facilities", z, *old_xy))["facilities"]["features"]
    }
    assert facility.pk in ids_old
    fetch(client, "facilities", z, *new_xy)  # cached (possibly as empty)
    facility.geom = target.label_point
    facility.name = "Đã dời"
    facility.save()
    old_response = fetch(client, "facilities", z, *old_xy)
    if old_response.status_code == 200:
        assert facility.pk not in {f["id"] for f in decode(old_response)["facilities"]["features"]}
    moved = {
        f["id"]: f
        for f in decode(fetch(client, "facilities", z, *new_xy))["facilities"]["features"]
    }
    assert moved[facility.pk]["properties"]["name"] == "Đã dời"
    assert moved[facility.pk]["properties"]["ward_code"] == target.code


def test_category_rename_and_layer_changes_forget_whole_layers(client):
    z = 16
    x, y = tile_of(*BEN_THANH, z)
    layer = Layer.objects.create(slug="ghe-da", title="Ghế đá", geometry_type="Point")
    Feature.objects.create(layer=layer, geom=Point(*BEN_THANH, srid=4326))
    assert fetch(client, "ghe-da", z, x, y).status_code == 200
    layer.is_public = False
    layer.save()
    assert not CachedTile.objects.filter(layers__contains=["ghe-da"]).exists()
    assert fetch(client, "ghe-da", z, x, y).status_code == 404

    fetch(client, "facilities", 10, *tile_of(*BEN_THANH, 10))
    FacilityCategory.objects.filter(code="cho").update(name_vi="Chợ truyền thống")
    assert not CachedTile.objects.filter(layers__contains=["facilities"]).exists()


def test_store_refuses_a_tile_read_before_an_unseen_write():
    """A write that the tile's snapshot did not see (recorded in tiles_tiledirty) keeps the
    tile out of the cache; a write it did see does not."""
    snapshot = _snapshot()
    with connection.cursor() as cursor:
        xmax = int(snapshot.split(":")[1])
        box = "ST_MakeEnvelope(106.70, 10.77, 106.71, 10.78, 4326)"
        cursor.execute(
            "INSERT INTO tiles_tiledirty (layer, box, xid, created_at) "
            f"VALUES ('facilities', {box}, %s, now())",
            [xmax + 1000],
        )
    z = 14
    x, y = tile_of(*BEN_THANH, z)
    assert not cache.store(["facilities"], "facilities", z, x, y, b"x", "e", snapshot)
    far_x, far_y = tile_of(106.2, 11.3, z)  # a tile the write did not touch
    assert cache.store(["facilities"], "facilities", z, far_x, far_y, b"x", "e", snapshot)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE tiles_tiledirty SET xid = 3 WHERE xid = %s", [xmax + 1000])
    assert cache.store(["facilities"], "facilities", z, x, y, b"x", "e", snapshot)


def _snapshot() -> str:
    """The snapshot a tile read now would be read under."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_snapshot()::text")
        return cursor.fetchone()[0]


def _other_session() -> psycopg.Connection:
    """A second session on the test database, as another app server would have."""
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"],
        user=settings["USER"],
        password=settings["PASSWORD"],
        dbname=settings["NAME"],
    )


def test_store_refuses_while_a_write_to_the_layer_is_in_flight():
    """Another session holds the writers' shared lock (as the triggers take it until commit)."""
    other = _other_session()
    snapshot = _snapshot()
    z = 14
    x, y = tile_of(106.2, 11.3, z)
    try:
        other.execute("SELECT pg_advisory_xact_lock_shared(hashtext('tiles:facilities'))")
        assert not cache.store(["facilities"], "facilities", z, x, y, b"x", "e", snapshot)
        other.rollback()  # the write commits or aborts: its lock is gone
        assert cache.store(["facilities"], "facilities", z, x, y, b"x", "e", snapshot)
        # Another reader storing a tile of the same layer at the same time does not stop it.
        other.execute("SELECT pg_advisory_xact_lock_shared(hashtext('tiles-store:facilities'))")
        assert cache.store(["facilities"], "facilities", z, x + 1, y, b"x", "e", snapshot)
        other.rollback()
    finally:
        other.close()


def test_store_gives_way_to_a_writer_that_is_deleting_tiles():
    """A writer takes the layer's store lock exclusively for a moment before it deletes
    cached tiles; a store in that moment is skipped instead of racing the delete."""
    other = _other_session()
    snapshot = _snapshot()
    z = 14
    x, y = tile_of(106.2, 11.3, z)
    try:
        other.execute("SELECT pg_advisory_xact_lock(hashtext('tiles-store:facilities'))")
        assert not cache.store(["facilities"], "facilities", z, x, y, b"x", "e", snapshot)
    finally:
        other.rollback()
        other.close()
    assert cache.store(["facilities"], "facilities", z, x, y, b"x", "e", snapshot)


def test_seed_command_fills_the_cache(capsys):
    from django.core.management import call_command

    CachedTile.objects.all().delete()
    call_command(
        "seed_tiles",
        "--layers",
        "areas",
        "--bbox",
        "106.69,10.76,106.71,10.78",
        "--zoom",
        "12-13",
        "--no-progress",
    )
    out = capsys.readouterr().out
    assert "computed" in out
    keys = set(CachedTile.objects.values_list("layers_key", "z", "x", "y"))
    expected = set()
    for z in (12, 13):
        x0, y0 = tile_of(106.69, 10.78, z)
        x1, y1 = tile_of(106.71, 10.76, z)
        expected |= {("areas", z, x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)}
    assert keys == expected
    call_command(
        "seed_tiles",
        "--layers",
        "areas",
        "--bbox",
        "106.69,10.76,106.71,10.78",
        "--zoom",
        "12-13",
        "--no-progress",
    )
    assert f"{len(expected)} already cached" in capsys.readouterr().out


def test_a_cached_tile_of_a_staff_only_layer_is_served_only_to_staff(client):
    Layer.objects.create(slug="kin", title="Kín", is_public=False, geometry_type="Point")
    data = gzip.compress(b"not really a tile")
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO tiles_cachedtile (layers_key, layers, z, x, y, data, etag, envelope, "
            "created_at) VALUES ('kin', ARRAY['kin'], 3, 6, 3, %s, 'e1', "
            "ST_MakeEnvelope(90, 0, 135, 41, 4326), now())",
            [data],
        )
    assert client.get("/tiles/kin/3/6/3.mvt").status_code == 404
    user = User.objects.create_user("kin")
    user.user_permissions.add(Permission.objects.get(codename="view_restricted_layer"))
    client.force_login(user)
    response = client.get("/tiles/kin/3/6/3.mvt", headers={"accept-encoding": "gzip"})
    assert response.status_code == 200 and response.content == data
