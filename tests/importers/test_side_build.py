"""A new or replaced layer without a key is filled and indexed on connections of its own
(importers/side_build.py): the partition it becomes has every index of the parent, the
layer changes only at the import's commit, a dry run, a refusal or a failed index build
leaves no table, and the sweep drops only the tables of builders that are gone."""

import psycopg
import pytest
from django.db import connection

from importers import side_build
from importers.side_build import SideBuild, drop_orphan_builds
from layers.models import Feature, Layer
from layers.partitions import partition_name
from tests.importers.conftest import do_import
from tests.layers.test_partitions import INDEXES, _csv, _indexes, _partitions
from tests.sessions import dsn

pytestmark = pytest.mark.django_db
SLUG = "xay-ben"


def _builds(layer_id: int) -> list[str]:
    """The side builds' tables of the layer that exist, as this transaction sees them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'r' AND relname LIKE %s",
            [f"{partition_name(layer_id)}_build_%"],
        )
        return [row[0] for row in cursor.fetchall()]


def _side_builds(monkeypatch) -> list[SideBuild]:
    started, real = [], SideBuild.start

    def spy(layer_id):
        started.append(real(layer_id))
        return started[-1]

    monkeypatch.setattr(SideBuild, "start", staticmethod(spy))
    return started


def _names(layer: Layer) -> list[str]:
    return sorted(Feature.objects.filter(layer=layer).values_list("name", flat=True))


@pytest.mark.parametrize("mode", ["create", "replace"])
def test_the_partition_built_on_the_side_has_every_index_of_the_parent(tmp_path, mode, monkeypatch):
    started = _side_builds(monkeypatch)
    report = do_import(_csv(tmp_path, ["Một", "Hai"]), layer=SLUG)
    if mode == "replace":
        report = do_import(_csv(tmp_path, ["Ba"], "moi.csv"), layer=SLUG, mode="replace")
        # Twice in one transaction: the first build's table, renamed to the partition but
        # not yet committed, is still known by its old name to the builders' sessions.
    assert report.committed and len(started) == (2 if mode == "replace" else 1)
    layer = Layer.objects.get(slug=SLUG)
    assert _names(layer) == (["Ba"] if mode == "replace" else ["Hai", "Một"])
    with connection.cursor() as cursor:
        table = partition_name(layer.pk)
        assert _partitions(cursor)[table] == f"FOR VALUES IN ('{layer.pk}')"
        assert _indexes(cursor, table) == sorted((i, i) for i in INDEXES)
        cursor.execute("SELECT contype FROM pg_constraint WHERE conrelid = %s::regclass", [table])
        assert sorted(row[0] for row in cursor.fetchall()) == ["c", "p"]
        cursor.execute("SELECT reloptions FROM pg_class WHERE oid = %s::regclass", [table])
        assert cursor.fetchone()[0] is None  # autovacuum, off while it was built, is back
    assert "indexes_with_pyramid" in report.timings
    # Later features take ids after the import's, from the parent's sequence.
    later = Feature.objects.create(layer=layer, geom=Feature.objects.filter(layer=layer)[0].geom)
    assert later.pk > max(Feature.objects.filter(layer=layer).exclude(pk=later.pk)
                          .values_list("id", flat=True))  # fmt: skip


def test_the_build_is_committed_apart_but_the_layer_changes_only_at_the_commit(
    tmp_path, committed, monkeypatch
):
    committed(lambda: do_import(_csv(tmp_path, ["Cũ"]), layer=SLUG))
    layer_id = committed(lambda: Layer.objects.get(slug=SLUG).pk)
    seen = {}
    real_finish = SideBuild.finish

    def look_from_outside(build):  # before the key is added in the import's transaction
        with psycopg.connect(dsn()) as other:
            seen["names"] = [r[0] for r in other.execute(
                "SELECT name FROM layers_feature WHERE layer_id = %s", [layer_id])]  # fmt: skip
            seen["rows"] = other.execute(f'SELECT count(*) FROM "{build.table}"').fetchone()[0]
            seen["attached"] = other.execute(
                "SELECT relispartition FROM pg_class WHERE relname = %s", [build.table]
            ).fetchone()[0]
        real_finish(build)

    monkeypatch.setattr(SideBuild, "finish", look_from_outside)
    try:
        second = _csv(tmp_path, ["Mới một", "Mới hai"], "moi.csv")
        report = committed(lambda: do_import(second, layer=SLUG, mode="replace"))
        assert (report.committed, report.deleted, report.imported) == (True, 1, 2)
        # Meanwhile: the new rows committed in a table of their own, no partition yet.
        assert seen == {"names": ["Cũ"], "rows": 2, "attached": False}
        names = committed(lambda: sorted(
            Feature.objects.filter(layer_id=layer_id).values_list("name", flat=True)))  # fmt: skip
        assert names == ["Mới hai", "Mới một"]
        assert committed(lambda: _builds(layer_id)) == []
    finally:
        committed(lambda: Layer.objects.filter(slug=SLUG).delete())


@pytest.mark.parametrize("how", ["dry run", "refused"])
def test_an_import_that_does_not_commit_drops_its_table(tmp_path, how, monkeypatch):
    started = _side_builds(monkeypatch)
    do_import(_csv(tmp_path, ["Một"]), layer=SLUG)
    layer = Layer.objects.get(slug=SLUG)
    second = _csv(tmp_path, ["Hai", "Ba"], "moi.csv", bad=how == "refused")
    report = do_import(second, layer=SLUG, mode="replace", dry_run=how == "dry run")
    assert not report.committed and len(started) == 2
    if how == "dry run":
        assert (report.deleted, report.imported) == (1, 2)
    else:
        assert report.rejected_count == 1
    assert _builds(layer.pk) == [] and _names(layer) == ["Một"]
    assert all(build.filler.closed for build in started)


def test_a_failed_index_build_fails_the_import_and_keeps_the_old_rows(tmp_path, monkeypatch):
    do_import(_csv(tmp_path, ["Một", "Hai"]), layer=SLUG)
    layer = Layer.objects.get(slug=SLUG)
    # A real error from PostgreSQL on a builder's connection: 1kB is below GIN's minimum.
    monkeypatch.setitem(side_build._MEMORY, "gin", "1kB")
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="maintenance_work_mem"):
        do_import(_csv(tmp_path, ["Ba"], "moi.csv"), layer=SLUG, mode="replace")
    assert _names(layer) == ["Hai", "Một"] and _builds(layer.pk) == []
    with connection.cursor() as cursor:
        assert _indexes(cursor, partition_name(layer.pk)) == sorted((i, i) for i in INDEXES)


def test_the_sweep_drops_a_dead_builders_table_and_spares_a_live_one():
    layer = Layer.objects.create(slug=SLUG, title="Xây bên")
    dead, live = SideBuild.start(layer.pk), SideBuild.start(layer.pk)
    try:
        dead.filler.close()  # its process died: the table stays, its advisory lock goes
        assert sorted(_builds(layer.pk)) == sorted([dead.table, live.table])
        dropped = drop_orphan_builds()  # other tests' rolled-back builds may go too
        assert dead.table in dropped and live.table not in dropped
        assert _builds(layer.pk) == [live.table]
    finally:
        live.close(committed=False)
    assert _builds(layer.pk) == []


def _refuse_after(monkeypatch, allowed: int) -> None:
    """The server refuses side connections after ``allowed`` of them (max_connections)."""
    real, made = side_build._connect, []

    def connect():
        if len(made) >= allowed:
            raise psycopg.OperationalError("sorry, too many clients already")
        made.append(real())
        return made[-1]

    monkeypatch.setattr(side_build, "_connect", connect)


@pytest.mark.parametrize("allowed", [0, 1])
def test_without_connections_to_spare_the_import_still_builds_every_index(
    tmp_path, allowed, monkeypatch
):
    do_import(_csv(tmp_path, ["Một"]), layer=SLUG)
    _refuse_after(monkeypatch, allowed)
    # 0: no side build at all, the table made in the import's transaction as with a key;
    # 1: the filler alone builds the indexes.
    report = do_import(_csv(tmp_path, ["Hai", "Ba"], "moi.csv"), layer=SLUG, mode="replace")
    assert report.committed and (report.deleted, report.imported) == (1, 2)
    assert ("indexes_with_pyramid" in report.timings) == (allowed == 1)
    layer = Layer.objects.get(slug=SLUG)
    assert _names(layer) == ["Ba", "Hai"] and _builds(layer.pk) == []
    with connection.cursor() as cursor:
        assert _indexes(cursor, partition_name(layer.pk)) == sorted((i, i) for i in INDEXES)
