"""The vector-tile cache: a write forgets the tiles it touches at every zoom, and a tile read
before an unseen or in-flight write is never kept (tiles/cache.py); tiles are seeded by the
``seed_tiles`` command; a cached tile of a staff-only layer is served to staff only."""

import gzip

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.gis.geos import Point
from django.db import connection

from layers.facilities import assign_wards
from layers.models import AdministrativeArea, Facility, FacilityCategory, Feature, Layer
from tests.sessions import other_session
from tests.tiles.mvt_client import BEN_THANH, decode, fetch
from tests.tiles.xyz import tile_of
from tiles import cache
from tiles.models import CachedTile

pytestmark = pytest.mark.django_db


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
    assign_wards([facility.pk])  # the ward is assigned explicitly, not by save()
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


def test_store_refuses_while_a_write_to_the_layer_is_in_flight():
    """Another session holds the writers' shared lock (as the triggers take it until commit)."""
    other = other_session()
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
    other = other_session()
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
