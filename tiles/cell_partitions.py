"""``tiles_pointcell`` holds one partition per counted layer (``PARTITION BY LIST (layer)``).

An import of a new or replaced point layer then writes its cells into a table of its own
(``new_table``), gives it the parent's key once (``prepare``) and swaps it in beside the
layer's features (importers/swap.py), as the features' own partition is: no DELETE of a
million old cells, no insert into a key shared with every other layer, no dead entries left
in that key by each replace (the shared key had grown to twice its size).

Every other writer finds the layer's partition made already: a point layer gets one from a
trigger on ``layers_layer`` (unless an import brings its own: ``OWN_PARTITION_SETTING``),
and again when its slug or geometry type changes; ``facilities`` and the delta layers
(tiles/cell_deltas.py) from migration 0013. There is no DEFAULT partition: attaching beside
one would take ACCESS EXCLUSIVE on it and scan it, for every import. A row of a layer with
no partition is refused by the partitioning itself.

Locks as for the features (layers/partitions.py): ATTACH takes SHARE UPDATE EXCLUSIVE on
the parent, which no reader or writer waits for; DROP of a partition takes ACCESS
EXCLUSIVE on it, so it is run last in a transaction with ``SWAP_LOCK_TIMEOUT``.
"""

from django.db import connection, connections, transaction
from psycopg import sql

from layers.partitions import drop_and_rename, drop_each
from tiles.cell_deltas import DELTA_LAYERS
from tiles.pyramid import BULK_SETTING

# Cells that belong to no row of layers_layer: their partitions are never orphans.
KEPT = ("facilities", *DELTA_LAYERS)

FUNCTIONS = r"""
-- The name of a layer's partition: slugs may hold '-' and reach 80 characters.
CREATE OR REPLACE FUNCTION tiles_pointcell_partition(slug text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT 'tiles_pointcell_' || left(md5(slug), 16) $$;

-- The layer's partition, made and attached (empty) unless it exists.
CREATE OR REPLACE FUNCTION tiles_pointcell_ensure(slug text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    tbl text := tiles_pointcell_partition(slug);
BEGIN
    IF to_regclass(quote_ident(tbl)) IS NULL THEN
        EXECUTE format('CREATE TABLE %I (LIKE tiles_pointcell INCLUDING DEFAULTS)', tbl);
        EXECUTE format('ALTER TABLE tiles_pointcell ATTACH PARTITION %I FOR VALUES IN (%L)',
                       tbl, slug);
    END IF;
END
$$;

-- A filled table given the parent's key and partial index, and CHECK (layer = slug):
-- ATTACH then adopts them and skips its partition-bound scan.
CREATE OR REPLACE FUNCTION tiles_pointcell_prepare(tbl text, slug text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('ALTER TABLE %I ADD PRIMARY KEY (layer, z, cx, cy, grp), '
                   'ADD CHECK (layer::text = %L)', tbl, slug);
    EXECUTE format('CREATE INDEX ON %I (layer) WHERE n <= 0', tbl);
END
$$;

-- Every point layer has its partition before any of its points is counted, however the
-- layer was made; the importer brings its own (OWN_PARTITION_SETTING).
CREATE OR REPLACE FUNCTION tiles_pointcell_of_new_layer() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('commonmap.feature_partition', true) = 'own' THEN
        RETURN NULL;
    END IF;
    PERFORM tiles_pointcell_ensure(NEW.slug);
    RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS tiles_pointcell_partition ON layers_layer;
CREATE TRIGGER tiles_pointcell_partition AFTER INSERT ON layers_layer
    FOR EACH ROW WHEN (NEW.geometry_type IN ('Point', 'MultiPoint'))
    EXECUTE FUNCTION tiles_pointcell_of_new_layer();
"""

DROP_FUNCTIONS = """
DROP TRIGGER IF EXISTS tiles_pointcell_partition ON layers_layer;
DROP FUNCTION IF EXISTS tiles_pointcell_of_new_layer();
DROP FUNCTION IF EXISTS tiles_pointcell_prepare(text, text);
DROP FUNCTION IF EXISTS tiles_pointcell_ensure(text);
DROP FUNCTION IF EXISTS tiles_pointcell_partition(text);
"""

# The partitions of no point layer and of none of ``KEPT`` (a deleted layer's, a renamed
# one's old slug's): dropped by ``drop_orphans`` once empty.
_ORPHANS = """
SELECT c.relname::text FROM pg_inherits AS i JOIN pg_class AS c ON c.oid = i.inhrelid
WHERE i.inhparent = 'tiles_pointcell'::regclass
  AND c.relname NOT IN (
      SELECT tiles_pointcell_partition(slug) FROM layers_layer
      WHERE geometry_type IN ('Point', 'MultiPoint')
      UNION ALL SELECT tiles_pointcell_partition(k) FROM unnest(%s::text[]) AS k)
ORDER BY 1
"""


def partition_name(slug: str) -> str:
    """The table that holds the layer's cells."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tiles_pointcell_partition(%s)", [slug])
        return cursor.fetchone()[0]


def new_table(slug: str) -> str:
    """An empty standalone table shaped like ``tiles_pointcell`` for the layer's cells, in
    the caller's transaction; ``prepare`` once it is filled, then ``swap_in``."""
    table = f"{partition_name(slug)}_new"
    with connection.cursor() as cursor:
        # Inside a test's transaction (a savepoint), an earlier import's table may remain.
        cursor.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(table)))
        cursor.execute(
            sql.SQL("CREATE TABLE {} (LIKE tiles_pointcell INCLUDING DEFAULTS)").format(
                sql.Identifier(table)
            )
        )
    return table


def prepare(table: str, slug: str) -> None:
    """The filled table's key and index built once (tiles_pointcell_prepare)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tiles_pointcell_prepare(%s, %s)", [table, slug])


def drops_a_partition(slug: str) -> bool:
    """Whether ``swap_in`` of the layer's cells has an old partition to drop."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(quote_ident(tiles_pointcell_partition(%s)))", [slug])
        return cursor.fetchone()[0] is not None


def swap_in(cursor, table: str, slug: str) -> None:
    """The layer's old partition (if any) dropped and ``table`` renamed to it and attached,
    on the caller's cursor, inside its savepoint: the caller retries a DROP that waited
    too long (importers/swap.py)."""
    target = partition_name(slug)
    drop_and_rename(cursor, table, target)
    cursor.execute(
        sql.SQL("ALTER TABLE tiles_pointcell ATTACH PARTITION {} FOR VALUES IN ({})").format(
            sql.Identifier(target), sql.Literal(slug)
        )
    )


def drop_orphans() -> list[str]:
    """Drop the empty partitions of slugs no point layer has any longer
    (``partitions.drop_each``); one still holding cells is left. Returns the tables
    dropped."""
    with connection.cursor() as cursor:
        cursor.execute(_ORPHANS, [list(KEPT)])
        names = [row[0] for row in cursor.fetchall()]
    return drop_each(names, "cell partition", _empty)


def _empty(cursor, name: str) -> bool:
    """Whether the partition holds no cell, with the parent locked first, as every reader
    and writer takes it: none then waits on the partition while holding the parent."""
    cursor.execute("LOCK TABLE ONLY tiles_pointcell IN ACCESS EXCLUSIVE MODE")
    cursor.execute(sql.SQL("SELECT NOT EXISTS (SELECT FROM {})").format(sql.Identifier(name)))
    return cursor.fetchone()[0]


def drop_orphans_after_commit(sender, **kwargs) -> None:
    """post_delete of a Layer: once the deletion commits, its emptied cells' partition goes
    (in a short transaction of its own, as its features' partition does), and the
    features' pyramid trigger counts again (``skip_counting_before_delete``)."""
    with connections[kwargs.get("using", "default")].cursor() as cursor:
        cursor.execute("SELECT set_config(%s, '', true)", [BULK_SETTING])
    transaction.on_commit(drop_orphans)


def skip_counting_before_delete(sender, instance, **kwargs) -> None:
    """pre_delete of a Layer: its cells deleted at once, and its features' deletion (which
    follows) not counted out of the pyramid row by row, which took 32 of 40 s for a layer
    of 1,000,000 points. Transaction-local, reset by ``drop_orphans_after_commit``."""
    with connections[kwargs.get("using", "default")].cursor() as cursor:
        cursor.execute("SELECT set_config(%s, 'on', true)", [BULK_SETTING])
        cursor.execute("DELETE FROM tiles_pointcell WHERE layer = %s", [instance.slug])
