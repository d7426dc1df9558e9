"""``layers_feature`` has one partition per layer (layers/partitions.py): every layer gets
its own however it is made, an import builds its layer's table with every index and swaps
it in at the end, atomically for other connections, a failed import leaves no table, and a
deleted layer's partition goes once the deletion commits."""

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from django.contrib.gis.geos import Point
from django.db import IntegrityError, connection, connections, transaction
from django.utils import translation

from core.errors import status_for
from importers import swap
from importers.errors import LayerBusy
from layers.models import Feature, Layer
from layers.partitions import drop_orphan_partitions, partition_name
from tests.importers.conftest import do_import, write_csv
from tests.sessions import dsn
from tests.tiles.test_point_pyramid import pyramid, recounted
from tiles.pyramid import TOP_LEVEL

pytestmark = pytest.mark.django_db
SLUG = "phan-vung"


def _csv(tmp_path, names: list[str], file: str = "diem.csv", bad: bool = False):
    rows = [[f"M-{i}", name, 106.65 + i * 0.01, 10.75] for i, name in enumerate(names)]
    if bad:
        rows[-1][2] = "không phải số"
    return write_csv(tmp_path / file, ["ma", "ten", "lon", "lat"], rows)


def _partitions(cursor, parent: str = "layers_feature") -> dict[str, str]:
    """Each partition of ``parent`` and its bound."""
    cursor.execute(
        "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
        "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = %s::regclass",
        [parent],
    )
    return dict(cursor.fetchall())


def _tables_like(cursor, pattern: str) -> list[str]:
    cursor.execute(
        "SELECT relname FROM pg_class WHERE relname LIKE %s AND relkind = 'r'", [pattern]
    )
    return [row[0] for row in cursor.fetchall()]


# The parent's indexes, each as its definition without name or table: no (layer_id) nor
# (layer_id, id), which a partition's single layer_id makes useless (layers 0009).
INDEXES = [
    "UNIQUE INDEX USING btree (id, layer_id)",
    'INDEX USING btree (layer_id, "time")',
    "INDEX USING btree (layer_id, source_key)",
    "INDEX USING gin (attributes jsonb_path_ops)",
    "INDEX USING gin (name_search gin_trgm_ops)",
    "INDEX USING gist (geom)",
]


def _indexes(cursor, table: str) -> list[tuple[str, str | None]]:
    """Each index of ``table`` without its name, and that of the parent index it is attached
    to (None if none)."""
    shape = r"regexp_replace(pg_get_indexdef({}), '^CREATE (.*INDEX) \S+ ON (ONLY )?\S+ ', '\1 ')"
    cursor.execute(
        f"SELECT {shape.format('i.indexrelid')}, {shape.format('p.inhparent')} FROM pg_index i "
        "LEFT JOIN pg_inherits p ON p.inhrelid = i.indexrelid WHERE i.indrelid = %s::regclass",
        [table],
    )
    return sorted(cursor.fetchall())


def _own_locks(cursor, table: str = "layers_feature") -> set[str]:
    cursor.execute(
        "SELECT mode FROM pg_locks WHERE pid = pg_backend_pid() AND relation = %s::regclass",
        [table],
    )
    return {row[0] for row in cursor.fetchall()}


def test_a_layer_made_through_the_orm_gets_its_partition_and_holds_no_exclusive_lock():
    layer = Layer.objects.create(slug=SLUG, title="Phân vùng")
    with connection.cursor() as cursor:
        assert _partitions(cursor)[partition_name(layer.pk)] == f"FOR VALUES IN ('{layer.pk}')"
        # ATTACH: SHARE UPDATE EXCLUSIVE on the parent, which readers and writers pass.
        assert "AccessExclusiveLock" not in _own_locks(cursor)
        assert "ShareUpdateExclusiveLock" in _own_locks(cursor)
        feature = Feature.objects.create(layer=layer, geom=Point(106.7, 10.78, srid=4326))
        cursor.execute("SELECT tableoid::regclass::text FROM layers_feature WHERE id = %s",
                       [feature.pk])  # fmt: skip
        assert cursor.fetchone()[0] == partition_name(layer.pk)


def test_an_imported_layer_is_its_own_partition_with_its_key_and_check(tmp_path):
    report = do_import(_csv(tmp_path, ["Chợ Bến Thành", "Nhà thờ Đức Bà"]), layer=SLUG, key="ma")
    assert report.committed and report.imported == 2
    layer = Layer.objects.get(slug=SLUG)
    table = partition_name(layer.pk)
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT tableoid::regclass::text FROM layers_feature "
                       "WHERE layer_id = %s", [layer.pk])  # fmt: skip
        assert cursor.fetchall() == [(table,)]
        cursor.execute("SELECT contype FROM pg_constraint WHERE conrelid = %s::regclass", [table])
        assert sorted(row[0] for row in cursor.fetchall()) == ["c", "p"]
        assert _tables_like(cursor, "layers_feature_%_new") == []
        # The ids come from the parent's sequence: a feature added later follows them.
        ids = sorted(Feature.objects.filter(layer=layer).values_list("id", flat=True))
        later = Feature.objects.create(layer=layer, geom=Point(106.7, 10.78, srid=4326))
        assert later.pk > ids[-1]


@pytest.mark.parametrize("made_by", ["import", "replace", "orm"])
def test_a_partition_has_exactly_the_parents_indexes_each_attached_to_its_own(tmp_path, made_by):
    if made_by == "orm":
        layer = Layer.objects.create(slug=SLUG, title="Phân vùng")
    else:
        do_import(_csv(tmp_path, ["Một", "Hai"]), layer=SLUG, key="ma")
        if made_by == "replace":
            do_import(_csv(tmp_path, ["Ba"], "moi.csv"), layer=SLUG, mode="replace", key="ma")
        layer = Layer.objects.get(slug=SLUG)
    with connection.cursor() as cursor:
        assert sorted(shape for shape, _ in _indexes(cursor, "layers_feature")) == sorted(INDEXES)
        assert _indexes(cursor, partition_name(layer.pk)) == sorted((i, i) for i in INDEXES)


def test_the_index_build_leaves_the_sessions_maintenance_work_mem_as_it_was(tmp_path):
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('maintenance_work_mem', '42MB', true)")
        assert do_import(_csv(tmp_path, ["Một"]), layer=SLUG, key="ma").committed
        cursor.execute("SELECT current_setting('maintenance_work_mem')")
        assert cursor.fetchone()[0] == "42MB"


def test_the_build_holds_no_exclusive_lock_on_the_feature_table(tmp_path, monkeypatch):
    seen = []
    real_swap_in = swap.swap_in

    def spy(table, layer_id, cells=None):
        with connection.cursor() as cursor:
            seen.append(_own_locks(cursor) | _own_locks(cursor, "tiles_pointcell"))
        real_swap_in(table, layer_id, cells)
        with connection.cursor() as cursor:
            seen.append(_own_locks(cursor) | _own_locks(cursor, "tiles_pointcell"))

    do_import(_csv(tmp_path, ["Một"]), layer=SLUG, key="ma")
    monkeypatch.setattr(swap, "swap_in", spy)
    report = do_import(_csv(tmp_path, ["Hai"], "moi.csv"), layer=SLUG, mode="replace", key="ma")
    assert (report.deleted, report.imported) == (1, 1)
    before, after = seen
    # Neither the features nor the cells: other layers' tiles were read meanwhile.
    assert "AccessExclusiveLock" not in before
    assert "AccessExclusiveLock" in after  # DETACH: held from here to the commit only


def test_a_failed_import_leaves_no_table_and_the_old_rows(tmp_path, monkeypatch):
    do_import(_csv(tmp_path, ["Một", "Hai"]), layer=SLUG, key="ma")
    layer = Layer.objects.get(slug=SLUG)
    before = set(Feature.objects.filter(layer=layer).values_list("id", "name"))
    bad = do_import(_csv(tmp_path, ["Ba", "Bốn"], "hong.csv", bad=True), layer=SLUG,
                    mode="replace", key="ma")  # fmt: skip
    assert not bad.committed

    def disk_full(table, layer_id):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(swap, "build_indexes", disk_full)
    with pytest.raises(RuntimeError, match="disk is full"):
        do_import(_csv(tmp_path, ["Năm"], "moi.csv"), layer=SLUG, mode="replace", key="ma")
    assert set(Feature.objects.filter(layer=layer).values_list("id", "name")) == before
    with connection.cursor() as cursor:
        assert _tables_like(cursor, "layers_feature_%_new") == []
        assert partition_name(layer.pk) in _partitions(cursor)


def _counts() -> dict:
    return {key: n for key, (n, _sx, _sy) in pyramid().items()}


def test_the_pyramid_equals_a_rebuild_after_a_create_and_a_replace(tmp_path):
    do_import(_csv(tmp_path, ["Một", "Hai", "Ba"]), layer=SLUG, key="ma")
    built = _counts()
    recounted()
    levels = TOP_LEVEL + 1
    assert built == _counts() and sum(n for k, n in built.items() if k[0] == SLUG) == 3 * levels
    do_import(_csv(tmp_path, ["Bốn"], "moi.csv"), layer=SLUG, mode="replace", key="ma")
    built = _counts()
    recounted()
    assert built == _counts()
    assert {k[1]: n for k, n in built.items() if k[0] == SLUG} == {z: 1 for z in range(levels)}


def test_a_feature_of_no_layer_is_refused_without_a_foreign_key():
    with pytest.raises(IntegrityError, match="no partition"), transaction.atomic():
        Feature.objects.create(layer_id=987654, geom=Point(106.7, 10.78, srid=4326))


def test_a_layer_deleted_in_a_transaction_keeps_its_partition_until_the_sweep():
    layer = Layer.objects.create(slug=SLUG, title="Phân vùng")
    Feature.objects.create(layer=layer, geom=Point(106.7, 10.78, srid=4326))
    name = partition_name(layer.pk)
    layer.delete()
    with connection.cursor() as cursor:
        assert name in _partitions(cursor)  # no ACCESS EXCLUSIVE in the deleting transaction
        assert "AccessExclusiveLock" not in _own_locks(cursor)
    assert name in drop_orphan_partitions()
    with connection.cursor() as cursor:
        assert name not in _partitions(cursor)


def test_a_replace_is_seen_whole_by_other_connections_and_told_to_the_front(tmp_path, committed):
    first = _csv(tmp_path, ["Cũ một", "Cũ hai"])
    second = _csv(tmp_path, ["Mới"], "moi.csv")
    committed(lambda: do_import(first, layer=SLUG, key="ma"))
    layer_id = committed(lambda: Layer.objects.get(slug=SLUG).pk)

    def names() -> list[str]:
        with psycopg.connect(dsn()) as reader:
            rows = reader.execute(
                "SELECT name FROM layers_feature WHERE layer_id = %s ORDER BY name", [layer_id]
            )
            return [row[0] for row in rows]

    seen = {}
    swapped = threading.Event()
    real_swap_in = swap.swap_in
    pool = ThreadPoolExecutor(max_workers=1)

    def swap_then_read(table, layer_id, cells=None):
        seen["before"] = names()  # the build is invisible to others
        real_swap_in(table, layer_id, cells)
        seen["after"] = pool.submit(names)  # waits for the commit, then reads
        swapped.set()

    def replace():
        swap.swap_in = swap_then_read
        try:
            return do_import(second, layer=SLUG, mode="replace", key="ma")
        finally:
            swap.swap_in = real_swap_in

    listener = psycopg.connect(dsn(), autocommit=True)
    try:
        listener.execute("LISTEN commonmap_front")
        report = committed(replace)
        assert swapped.is_set() and report.committed
        assert seen["before"] == ["Cũ hai", "Cũ một"]
        assert seen["after"].result(timeout=60) == ["Mới"]
        told = [json.loads(n.payload) for n in listener.notifies(timeout=2, stop_after=20)]
        assert {"layer": SLUG, "whole": True} in told
    finally:
        pool.shutdown()
        listener.close()
        committed(lambda: Layer.objects.filter(slug=SLUG).delete())
    with connection.cursor() as cursor:
        assert partition_name(layer_id) not in _partitions(cursor)  # dropped after commit


def test_a_layer_created_and_deleted_elsewhere_leaves_no_partition(committed):
    def make_and_delete() -> str:
        with transaction.atomic():
            layer = Layer.objects.create(slug=SLUG, title="Phân vùng")
        name = partition_name(layer.pk)
        with connections["default"].cursor() as cursor:
            assert name in _partitions(cursor)
        layer.delete()
        return name

    name = committed(make_and_delete)
    with connection.cursor() as cursor:
        assert name not in _partitions(cursor)


def test_a_replace_that_cannot_lock_the_table_fails_with_409_and_keeps_the_layer(
    tmp_path, committed, monkeypatch
):
    first = _csv(tmp_path, ["Cũ"])
    committed(lambda: do_import(first, layer=SLUG, key="ma"))
    monkeypatch.setattr(swap, "SWAP_ATTEMPTS", 2)
    reader = psycopg.connect(dsn())  # a long read of another connection holds the table
    try:
        reader.execute("SELECT count(*) FROM layers_feature")
        with pytest.raises(LayerBusy) as refused, translation.override("en"):
            do_import(_csv(tmp_path, ["Mới"], "moi.csv"), layer=SLUG, mode="replace", key="ma")
        assert refused.value.as_dict() == {
            "detail": "The layer's features stayed busy with other work; run the import again.",
            "code": "layer_busy",
            "parameter": "layer",
        }
        assert status_for(refused.value) == 409
        assert list(Feature.objects.filter(layer__slug=SLUG).values_list("name", flat=True)) == [
            "Cũ"
        ]
    finally:
        reader.close()
        committed(lambda: Layer.objects.filter(slug=SLUG).delete())


def test_a_replace_does_not_wait_for_an_open_edit_of_another_layer(tmp_path, committed):
    committed(lambda: do_import(_csv(tmp_path, ["Cũ"]), layer=SLUG, key="ma"))
    committed(lambda: Layer.objects.create(slug=f"{SLUG}-khac", title="Khác"))

    def replace():
        with connection.cursor() as cursor:  # a regression fails here instead of hanging
            cursor.execute("SET lock_timeout = '20s'")
        return do_import(_csv(tmp_path, ["Mới"], "moi.csv"), layer=SLUG, mode="replace",
                         key="ma")  # fmt: skip

    editor = psycopg.connect(dsn())  # an edit of another layer's row, not yet committed
    try:
        editor.execute("UPDATE layers_layer SET title = 'Đang sửa' WHERE slug = %s",
                       [f"{SLUG}-khac"])  # fmt: skip
        report = committed(replace)
        assert (report.committed, report.deleted, report.imported) == (True, 1, 1)
    finally:
        editor.close()
        committed(lambda: Layer.objects.filter(slug__startswith=SLUG).delete())


def test_a_replace_holds_writers_of_its_layer_until_it_commits(tmp_path, committed, monkeypatch):
    committed(lambda: do_import(_csv(tmp_path, ["Cũ"]), layer=SLUG, key="ma"))
    layer_id = committed(lambda: Layer.objects.get(slug=SLUG).pk)
    tried = {}
    real_build = swap.build_indexes

    def build_while_another_writes(table, layer):
        with psycopg.connect(dsn()) as writer:
            writer.execute("SET lock_timeout = '200ms'")
            try:
                writer.execute(
                    "UPDATE layers_feature SET name = 'Sửa' WHERE layer_id = %s", [layer_id]
                )
                tried["error"] = None
            except psycopg.errors.LockNotAvailable as error:
                tried["error"] = error
        real_build(table, layer)

    monkeypatch.setattr(swap, "build_indexes", build_while_another_writes)
    try:
        second = _csv(tmp_path, ["Mới"], "moi.csv")
        report = committed(lambda: do_import(second, layer=SLUG, mode="replace", key="ma"))
        assert report.committed and (report.deleted, report.imported) == (1, 1)
        assert isinstance(tried["error"], psycopg.errors.LockNotAvailable)
        names = committed(
            lambda: list(Feature.objects.filter(layer_id=layer_id).values_list("name", flat=True))
        )
        assert names == ["Mới"]
    finally:
        committed(lambda: Layer.objects.filter(slug=SLUG).delete())


def test_a_busy_orphan_partition_is_left_for_the_next_sweep_without_a_traceback(committed, caplog):
    layer_id = committed(lambda: Layer.objects.create(slug=SLUG, title="Bận").pk)
    name = partition_name(layer_id)
    with psycopg.connect(dsn()) as reader, caplog.at_level("WARNING", "layers.partitions"):
        reader.execute(f'SELECT count(*) FROM "{name}"')  # ACCESS SHARE until it ends
        committed(lambda: Layer.objects.filter(pk=layer_id).delete())  # its own drop: busy
        assert committed(drop_orphan_partitions) == []
        busy = [r for r in caplog.records if name in r.getMessage()]
        assert len(busy) == 2 and not any(r.exc_info for r in busy)
    assert committed(drop_orphan_partitions) == [name]
