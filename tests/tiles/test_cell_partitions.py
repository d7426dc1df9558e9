"""``tiles_pointcell`` holds one partition per counted layer (tiles/cell_partitions.py): a
point layer gets its own however it is made, and a new one when its slug changes; an import
fills a table of the layer's cells, gives it the parent's key and swaps it in beside the
features, atomically for other connections; a dry run or a failure leaves no table; the
empty partitions of gone slugs are swept, the kept ones never."""

import psycopg
import pytest
from django.contrib.gis.geos import Point
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import pre_delete
from django.utils import translation

from importers import swap
from importers.errors import LayerBusy
from layers.models import Feature, Layer
from tests.importers.conftest import do_import, write_csv
from tests.layers.test_partitions import _indexes
from tests.layers.test_partitions import _partitions as partitions_of
from tests.sessions import dsn
from tests.tiles.test_pyramid_recount import _assert_layer_equals_the_rebuild, _cells
from tiles import cell_partitions
from tiles.cell_partitions import KEPT, partition_name
from tiles.pyramid import BULK_SETTING

pytestmark = pytest.mark.django_db
SLUG = "o-diem"


def _csv(tmp_path, count: int, file: str = "diem.csv"):
    rows = [[f"M-{i}", f"Điểm {i}", 106.60 + i * 0.013, 10.70 + i * 0.007] for i in range(count)]
    return write_csv(tmp_path / file, ["ma", "ten", "lon", "lat"], rows)


def _partitions(cursor) -> dict[str, str]:
    return partitions_of(cursor, "tiles_pointcell")


def _oid(cursor, table: str) -> int | None:
    cursor.execute("SELECT to_regclass(%s)::oid", [table])
    return cursor.fetchone()[0]


PARENT_INDEXES = [
    "INDEX USING btree (layer) WHERE (n <= 0)",
    "UNIQUE INDEX USING btree (layer, z, cx, cy, grp)",
]


def test_the_pyramid_has_no_default_partition_and_refuses_a_layer_without_one():
    with connection.cursor() as cursor:
        cursor.execute("SELECT partdefid FROM pg_partitioned_table "
                       "WHERE partrelid = 'tiles_pointcell'::regclass")  # fmt: skip
        assert cursor.fetchone()[0] == 0
        with pytest.raises(IntegrityError) as refused, transaction.atomic():
            cursor.execute("INSERT INTO tiles_pointcell VALUES ('khong-co', 0, 0, 0, '', 1, 0, 0)")
        assert isinstance(refused.value.__cause__, psycopg.errors.CheckViolation)
        assert "no partition" in str(refused.value)
        kept = _partitions(cursor)
    for slug in KEPT:
        assert kept[partition_name(slug)] == f"FOR VALUES IN ('{slug}')"


def test_a_point_layer_made_through_the_orm_gets_its_partition_and_a_polygon_layer_none():
    Layer.objects.create(slug=SLUG, title="Ô điểm", geometry_type="Point")
    Layer.objects.create(slug="vung", title="Vùng", geometry_type="Polygon")
    with connection.cursor() as cursor:
        partitions = _partitions(cursor)
        assert partitions[partition_name(SLUG)] == f"FOR VALUES IN ('{SLUG}')"
        assert partition_name("vung") not in partitions
        assert _indexes(cursor, partition_name(SLUG)) == [(i, i) for i in PARENT_INDEXES]
        # ATTACH: SHARE UPDATE EXCLUSIVE on the parent, which readers and writers pass.
        cursor.execute("SELECT mode FROM pg_locks WHERE pid = pg_backend_pid() "
                       "AND relation = 'tiles_pointcell'::regclass")  # fmt: skip
        assert "AccessExclusiveLock" not in {row[0] for row in cursor.fetchall()}


def test_a_renamed_layers_cells_move_to_its_new_slugs_partition():
    layer = Layer.objects.create(slug=SLUG, title="Ô điểm", geometry_type="Point")
    for i in range(3):
        Feature.objects.create(layer=layer, geom=Point(106.7 + i * 0.01, 10.78, srid=4326))
    layer.slug = "o-diem-moi"
    layer.save()
    with connection.cursor() as cursor:
        assert partition_name("o-diem-moi") in _partitions(cursor)
        cursor.execute(f'SELECT count(*) FROM "{partition_name(SLUG)}"')
        assert cursor.fetchone()[0] == 0
    cells = _assert_layer_equals_the_rebuild("o-diem-moi")
    assert sum(n for key, (n, _sx, _sy) in cells.items() if key[1] == 0) == 3


@pytest.mark.parametrize("mode", ["create", "replace"])
def test_an_imports_cells_are_a_partition_with_the_parents_indexes(tmp_path, mode):
    with connection.cursor() as cursor:
        if mode == "replace":
            do_import(_csv(tmp_path, 5), layer=SLUG)
            old = _oid(cursor, partition_name(SLUG))
            assert old is not None
        report = do_import(_csv(tmp_path, 3, "moi.csv"), layer=SLUG, mode=mode)
        assert report.committed and report.imported == 3
        table = partition_name(SLUG)
        assert _partitions(cursor)[table] == f"FOR VALUES IN ('{SLUG}')"
        if mode == "replace":
            assert _oid(cursor, table) != old  # a new table, the old one dropped
        assert _indexes(cursor, table) == [(i, i) for i in PARENT_INDEXES]
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relname LIKE 'tiles\\_pointcell\\_%%new'"
        )
        assert cursor.fetchall() == []
    cells = _assert_layer_equals_the_rebuild(SLUG)
    assert sum(n for key, (n, _sx, _sy) in cells.items() if key[1] == 0) == 3


def test_a_dry_run_and_a_refused_import_keep_the_old_cells_partition(tmp_path):
    do_import(_csv(tmp_path, 4), layer=SLUG)
    with connection.cursor() as cursor:
        old = _oid(cursor, partition_name(SLUG))
        before = _cells(SLUG)
        report = do_import(_csv(tmp_path, 2, "moi.csv"), layer=SLUG, mode="replace", dry_run=True)
        assert not report.committed
        rows = [["A", 106.7, 10.7], ["B", "không phải số", 10.7]]
        bad = write_csv(tmp_path / "sai.csv", ["ma", "lon", "lat"], rows)
        refused = do_import(bad, layer=SLUG, mode="replace")
        assert not refused.committed
        assert _oid(cursor, partition_name(SLUG)) == old and _cells(SLUG) == before


def test_a_replace_that_cannot_lock_the_pyramid_fails_with_409_and_keeps_its_cells(
    tmp_path, committed, monkeypatch
):
    first = _csv(tmp_path, 4)
    committed(lambda: do_import(first, layer=SLUG))
    before = committed(lambda: _cells(SLUG))
    monkeypatch.setattr(swap, "SWAP_ATTEMPTS", 2)
    reader = psycopg.connect(dsn())  # a long read of another connection holds the pyramid
    try:
        reader.execute("SELECT count(*) FROM tiles_pointcell")
        with pytest.raises(LayerBusy), translation.override("en"):
            do_import(_csv(tmp_path, 2, "moi.csv"), layer=SLUG, mode="replace")
        reader.rollback()
        assert committed(lambda: _cells(SLUG)) == before
        assert Feature.objects.filter(layer__slug=SLUG).count() == 4
    finally:
        reader.close()
        committed(lambda: Layer.objects.filter(slug=SLUG).delete())


def test_the_sweep_drops_the_empty_partitions_of_gone_slugs_only(committed):
    def make() -> None:
        with connection.cursor() as cursor:
            for slug in ("cu-rong", "cu-co-o"):
                cursor.execute("SELECT tiles_pointcell_ensure(%s)", [slug])
            cursor.execute("INSERT INTO tiles_pointcell VALUES ('cu-co-o', 0, 0, 0, '', 1, 0, 0)")
        Layer.objects.create(slug=SLUG, title="Ô điểm", geometry_type="Point")

    committed(make)
    try:
        dropped = committed(cell_partitions.drop_orphans)
        assert partition_name("cu-rong") in dropped  # other tests' leftovers may go too
        assert partition_name("cu-co-o") not in dropped
        with connection.cursor() as cursor:
            left = _partitions(cursor)
        for slug in ("cu-co-o", SLUG, *KEPT):
            assert partition_name(slug) in left
        assert partition_name("cu-rong") not in left
    finally:
        committed(lambda: Layer.objects.filter(slug=SLUG).delete())

        def clean() -> None:
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM tiles_pointcell WHERE layer = 'cu-co-o'")

        committed(clean)
        committed(cell_partitions.drop_orphans)


def test_a_deleted_layers_cells_partition_goes_once_the_deletion_commits(committed):
    def make_and_delete() -> str:
        with transaction.atomic():
            layer = Layer.objects.create(slug=SLUG, title="Ô điểm", geometry_type="Point")
            Feature.objects.create(layer=layer, geom=Point(106.7, 10.78, srid=4326))
        layer.delete()
        return partition_name(SLUG)

    name = committed(make_and_delete)
    with connection.cursor() as cursor:
        assert name not in _partitions(cursor)


def _cells_updated() -> int:
    """Cells this transaction has updated in the pyramid's partitions."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(n_tup_upd), 0) FROM pg_stat_xact_user_tables "
            "WHERE relname LIKE 'tiles\\_pointcell\\_%'"
        )
        return cursor.fetchone()[0]


def test_a_deleted_layers_cells_go_at_once_and_the_next_write_is_counted_again():
    kept = Layer.objects.create(slug="o-con-lai", title="Còn lại", geometry_type="Point")
    gone = Layer.objects.create(slug=SLUG, title="Ô điểm", geometry_type="Point")
    for i in range(3):
        Feature.objects.create(layer=gone, geom=Point(106.7 + i * 0.01, 10.78, srid=4326))
    Feature.objects.create(layer=kept, geom=Point(106.71, 10.79, srid=4326))
    updated = _cells_updated()
    gone.delete()
    assert _cells(SLUG) == {}
    assert _cells_updated() == updated  # deleted, not counted down to zero first
    # The features' deletion was not counted out row by row, and the setting is back:
    # a later write in the same transaction is counted.
    Feature.objects.create(layer=kept, geom=Point(106.72, 10.8, srid=4326))
    cells = _assert_layer_equals_the_rebuild("o-con-lai")
    assert sum(n for key, (n, _sx, _sy) in cells.items() if key[1] == 0) == 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s, true)", [BULK_SETTING])
        assert cursor.fetchone()[0] == ""


def test_a_layer_deletion_that_fails_leaves_its_cells_and_the_counting_on():
    layer = Layer.objects.create(slug=SLUG, title="Ô điểm", geometry_type="Point")
    Feature.objects.create(layer=layer, geom=Point(106.7, 10.78, srid=4326))
    before = _cells(SLUG)
    assert before

    def full_disk(sender, **kwargs):  # after the cells' own receiver
        raise RuntimeError("the disk is full")

    pre_delete.connect(full_disk, sender=Layer, dispatch_uid="test-full-disk")
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            layer.delete()
    finally:
        pre_delete.disconnect(sender=Layer, dispatch_uid="test-full-disk")
    assert _cells(SLUG) == before
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s, true)", [BULK_SETTING])
        assert cursor.fetchone()[0] != "on"
    Feature.objects.create(layer=layer, geom=Point(106.71, 10.78, srid=4326))
    cells = _assert_layer_equals_the_rebuild(SLUG)
    assert sum(n for key, (n, _sx, _sy) in cells.items() if key[1] == 0) == 2
