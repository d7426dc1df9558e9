"""A bulk import builds its layer's point pyramid once, set-based, from its rows written to a
table of their own (no trigger; importers/swap.py): the pyramid afterwards equals a recount
from scratch, for a new layer, a replaced one and one counted by attribute; a failed import
leaves the old layer and its cells as they were; the layer's cached tiles are forgotten."""

from collections import Counter

import pytest
from django.contrib.gis.geos import Point
from django.db import connection

from importers import writer
from layers.models import Feature, Layer
from tests.importers.conftest import do_import, write_csv
from tests.tiles.test_point_pyramid import pyramid, recounted
from tests.tiles.xyz import tile_of
from tiles.models import CachedTile
from tiles.pyramid import BULK_SETTING, TOP_LEVEL

pytestmark = pytest.mark.django_db

KINDS = ["đèn đường", "ngập nước", "rác thải"]


def _points(tmp_path, count: int, name: str = "diem.csv", shift: float = 0.0, bad: bool = False):
    lon = [106.62 + (i % 40) * 0.004 + shift for i in range(count)]
    lat = [10.72 + (i // 40) * 0.003 for i in range(count)]
    rows = [[f"PA-{i}", f"Điểm {i}", KINDS[i % 3], lon[i], lat[i]] for i in range(count)]
    if bad:
        rows[-1][3] = "not a number"  # no geometry: rejected, and the import refused
    return write_csv(tmp_path / name, ["ma", "ten", "loai", "lon", "lat"], rows)


def _cells(slug: str) -> dict:
    return {key: value for key, value in pyramid().items() if key[0] == slug}


def _assert_equal_to_a_recount() -> None:
    built = pyramid()
    recount = recounted()
    assert built.keys() == recount.keys()
    for key, (n, sx, sy) in built.items():
        # Sums of metres added in another order differ in the last bits only.
        assert (n, sx, sy) == (
            recount[key][0],
            pytest.approx(recount[key][1], abs=0.01),
            pytest.approx(recount[key][2], abs=0.01),
        )


def _totals(slug: str) -> dict[int, int]:
    totals: dict[int, int] = {}
    for (_layer, z, _cx, _cy, grp), (n, _sx, _sy) in _cells(slug).items():
        if grp == "":
            totals[z] = totals.get(z, 0) + n
    return totals


def test_a_new_layer_counts_every_point_once_at_every_level(tmp_path):
    report = do_import(_points(tmp_path, 500), layer="diem", key="ma")
    assert report.committed and report.imported == 500
    assert _totals("diem") == {z: 500 for z in range(TOP_LEVEL + 1)}
    _assert_equal_to_a_recount()


def test_a_replaced_layer_counted_by_attribute_equals_a_recount(tmp_path):
    do_import(_points(tmp_path, 300), layer="diem", key="ma")
    # The layer's row trigger recounts it with the new groups.
    Layer.objects.filter(slug="diem").update(cluster_attributes=["loai"])
    report = do_import(
        _points(tmp_path, 200, name="moi.csv", shift=0.05), layer="diem", mode="replace", key="ma"
    )
    assert (report.deleted, report.imported) == (300, 200)
    assert _totals("diem") == {z: 200 for z in range(TOP_LEVEL + 1)}
    groups = {key[4] for key in _cells("diem")}
    assert groups == {""} | {f"loai={kind}" for kind in KINDS}
    by_kind = Counter()
    for (_layer, z, _cx, _cy, grp), (n, _sx, _sy) in _cells("diem").items():
        if z == TOP_LEVEL and grp:
            by_kind[grp] += n
    assert sorted(by_kind.values()) == [66, 67, 67]
    _assert_equal_to_a_recount()


def test_an_upsert_and_an_append_keep_the_trigger_s_counts(tmp_path):
    do_import(_points(tmp_path, 100), layer="diem", key="ma")
    do_import(_points(tmp_path, 150, name="them.csv", shift=0.01), layer="diem", mode="upsert",
              key="ma")  # fmt: skip
    assert _totals("diem") == {z: 150 for z in range(TOP_LEVEL + 1)}
    _assert_equal_to_a_recount()


def test_a_refused_replace_leaves_the_old_layer_and_its_cells(tmp_path):
    do_import(_points(tmp_path, 120), layer="diem", key="ma")
    before_cells = _cells("diem")
    before = set(Feature.objects.filter(layer__slug="diem").values_list("id", flat=True))
    bad = _points(tmp_path, 80, name="hong.csv", shift=0.05, bad=True)
    report = do_import(bad, layer="diem", mode="replace", key="ma")
    assert not report.committed and report.rejected_count == 1
    assert set(Feature.objects.filter(layer__slug="diem").values_list("id", flat=True)) == before
    assert _cells("diem") == before_cells


def test_an_error_after_the_rows_are_written_undoes_the_replace(tmp_path, monkeypatch):
    do_import(_points(tmp_path, 120), layer="diem", key="ma")
    before_cells = _cells("diem")
    before = set(Feature.objects.filter(layer__slug="diem").values_list("id", flat=True))
    real_insert = writer.insert
    tables = []

    def insert_then_fail(layer_id, columns, only_new=False, table="layers_feature"):
        written = real_insert(layer_id, columns, only_new, table=table)
        assert written == 80 and table != "layers_feature"  # the new rows, in their own table
        tables.append(table)
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(writer, "insert", insert_then_fail)
    with pytest.raises(RuntimeError, match="disk is full"):
        do_import(_points(tmp_path, 80, name="moi.csv", shift=0.05), layer="diem",
                  mode="replace", key="ma")  # fmt: skip
    assert set(Feature.objects.filter(layer__slug="diem").values_list("id", flat=True)) == before
    assert _cells("diem") == before_cells
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_regclass(%s), current_setting(%s, true)", [tables[0], BULK_SETTING]
        )
        assert cursor.fetchone() in ((None, None), (None, ""))  # gone with the transaction


def test_other_writes_of_the_transaction_still_go_through_the_trigger(tmp_path):
    do_import(_points(tmp_path, 50), layer="diem", key="ma")
    layer = Layer.objects.get(slug="diem")
    Feature.objects.create(layer=layer, geom=Point(106.70, 10.78, srid=4326))
    assert _totals("diem") == {z: 51 for z in range(TOP_LEVEL + 1)}
    _assert_equal_to_a_recount()


def test_a_replace_forgets_the_layer_s_cached_tiles(tmp_path, client):
    do_import(_points(tmp_path, 60), layer="diem", key="ma")
    with connection.cursor() as cursor:
        # As if the import had committed long ago (this test runs in one transaction, and a
        # tile read while its layer's write is uncommitted is never stored).
        cursor.execute("UPDATE tiles_tiledirty SET xid = 3 WHERE layer = 'diem'")
    x, y = tile_of(106.64, 10.721, 12)
    assert client.get(f"/tiles/diem/12/{x}/{y}.mvt").status_code == 200
    assert CachedTile.objects.filter(layers__contains=["diem"]).count() == 1
    do_import(_points(tmp_path, 40, name="moi.csv", shift=0.02), layer="diem", mode="replace",
              key="ma")  # fmt: skip
    assert not CachedTile.objects.filter(layers__contains=["diem"]).exists()
