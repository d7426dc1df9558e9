"""A new or replaced layer: its rows built in a table of their own, then swapped in.

``layers_feature`` has one partition per layer (layers/partitions.py). Instead of inserting a
million rows through its indexes one by one, an import of mode create or replace fills a
standalone table shaped like it (no index yet, no trigger), builds each index once over
the whole table, adds the primary key and ``CHECK (layer_id = n)``, counts a point layer's
pyramid from it into a table of the layer's cells (tiles/cell_partitions.py), forgets the
layer's cached tiles (here and, at commit, in the HTTP front), and only then, as the
transaction's last statements, swaps both in: for a replace, DROP of the old partitions,
then ATTACH of the new ones. The parent has no foreign key to ``layers_layer`` (layers
migration 0008 says why), so the swap locks nothing but ``layers_feature`` and
``tiles_pointcell``: a DROP takes ACCESS EXCLUSIVE on its parent until commit, so it waits
at most ``SWAP_LOCK_TIMEOUT`` for it (every reader of the table queues behind a waiting
one), and is retried before the import gives up (409).
All in the import's transaction: a dry run or a failure leaves no table behind. A layer
whose rows skip staging has its table made, filled and indexed on connections of their
own instead (importers/side_build.py), and swapped in the same way.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import OperationalError, connection, transaction
from django.utils.translation import gettext as _
from psycopg import errors as pg_errors
from psycopg import sql

from importers.errors import LayerBusy
from layers.partitions import OWN_PARTITION_SETTING, drop_and_rename, partition_name
from tiles import cell_partitions
from tiles.pyramid import recount_layer_sql

SWAP_ATTEMPTS = 30
# maintenance_work_mem of the GiST and btree builds (build_indexes says why).
INDEX_MEMORY = "256MB"


@contextmanager
def own_partition() -> Iterator[None]:
    """A layer created inside gets no empty partition from the trigger on ``layers_layer``:
    the import attaches the one it builds. Transaction-local and reset at once."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, 'own', true)", [OWN_PARTITION_SETTING])
        try:
            yield
        finally:
            cursor.execute("SELECT set_config(%s, '', true)", [OWN_PARTITION_SETTING])


def hold_writers(layer_id: int) -> None:
    """A replace: the layer's partition locked against writes until the import commits
    (SHARE: readers go on). An edit committed meanwhile would go with the old rows, and the
    cells its trigger counted with the old partition of cells."""
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("LOCK TABLE {} IN SHARE MODE").format(sql.Identifier(partition_name(layer_id)))
        )


def new_table(layer_id: int) -> str:
    """The standalone table the import's rows go into (ids from the parent's sequence)."""
    table = f"{partition_name(layer_id)}_new"
    with connection.cursor() as cursor:
        # Inside a test's transaction (a savepoint), an earlier import's table may remain.
        cursor.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(table)))
        cursor.execute("SELECT layers_feature_new_table(%s)", [table])
    return table


def build_indexes(table: str, layer_id: int) -> None:
    """Every index and key of the parent built once over the filled table, and the CHECK
    that lets ATTACH skip its scan. 256MB: the GiST and btree builds sort in memory, and
    leave a btree build parallel workers (PostgreSQL gives each at least 32MB); GIN builds
    take less (``layers_feature_prepare`` says why)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('maintenance_work_mem')")
        before = cursor.fetchone()[0]
        cursor.execute("SELECT set_config('maintenance_work_mem', %s, true)", [INDEX_MEMORY])
        cursor.execute("SELECT layers_feature_prepare(%s, %s)", [table, layer_id])
        cursor.execute("SELECT set_config('maintenance_work_mem', %s, true)", [before])


def recount_pyramid(table: str, layer_id: int, cells: str) -> None:
    """The layer's point-pyramid cells counted again from the new table (tiles/pyramid.py)
    into ``cells``, the table of its cells to swap in beside it (tiles/cell_partitions.py)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT slug FROM layers_layer WHERE id = %s", [layer_id])
        slug = cursor.fetchone()[0]
        quoted = [sql.Identifier(name).as_string(cursor.connection) for name in (table, cells)]
        cursor.execute(recount_layer_sql(source=quoted[0], target=quoted[1]), [slug, layer_id])


def forget_tiles(layer_id: int) -> None:
    """Every cached tile of the layer forgotten, with the writer's lock that keeps readers
    from storing a tile of the old rows until this commits, and the HTTP front told at
    commit (``tiles_forget`` over the whole world, as a whole-layer trigger does): the
    standalone table fires none of the parent's triggers."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tiles_forget(ARRAY[slug]::text[], ARRAY[tiles_world()]) "
            "FROM layers_layer WHERE id = %s",
            [layer_id],
        )


def old_count(layer_id: int) -> int:
    """Features the layer has now (read from its partition only)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM layers_feature WHERE layer_id = %s", [layer_id])
        return cursor.fetchone()[0]


def swap_in(table: str, layer_id: int, cells: str | None = None) -> None:
    """The last statements of the import: the old partition (if any) dropped, the new
    table renamed to it and attached; the same for the table of the layer's ``cells``, if
    the import made one (tiles/cell_partitions.py).

    Only the DROPs wait with ``SWAP_LOCK_TIMEOUT`` (readers queue behind their ACCESS
    EXCLUSIVE requests), retried up to ``SWAP_ATTEMPTS`` times before the import fails
    (409). A new layer's ATTACH asks for SHARE UPDATE EXCLUSIVE only, which no reader or
    writer waits behind, so it waits as long as it must (a layer being made elsewhere
    holds that lock until its transaction ends); after a DROP the lock is already ours."""
    target = partition_name(layer_id)
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL, slug FROM layers_layer WHERE id = %s",
                       [target, layer_id])  # fmt: skip
        replacing, slug = cursor.fetchone()
    dropping = replacing or (cells is not None and cell_partitions.drops_a_partition(slug))
    for attempt in range(SWAP_ATTEMPTS if dropping else 1):
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                drop_and_rename(cursor, table, target)
                cursor.execute("SELECT layers_feature_attach(%s, %s)", [target, layer_id])
                if cells is not None:
                    cell_partitions.swap_in(cursor, cells, slug)
            return
        except OperationalError as exc:
            if not isinstance(exc.__cause__, pg_errors.LockNotAvailable):
                raise
            time.sleep(min(0.05 * (attempt + 1), 1.0))
    raise LayerBusy(
        _("The layer's features stayed busy with other work; run the import again."),
        parameter="layer",
    )
