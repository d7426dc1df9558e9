"""``layers_feature`` holds one partition per layer (``PARTITION BY LIST (layer_id)``).

A new or replaced layer then pays no incremental index upkeep: an import fills a standalone
table, builds its indexes once and attaches it (importers/writer.py); a layer made any other
way (admin, API, ORM) gets an empty partition from a trigger on ``layers_layer``. The
database functions below are created by migration 0008 and are the one place that knows
what a partition must look like.

Locks: ``ATTACH PARTITION`` takes SHARE UPDATE EXCLUSIVE on the parent, which readers and
writers of other layers do not wait for; ``DETACH`` and ``DROP`` take ACCESS EXCLUSIVE on
it, so they are only ever run last in a transaction, with a short ``lock_timeout``. The
table has no foreign key to ``layers_layer`` (migration 0008 says why): a row whose layer
has no partition is refused by the partitioning itself.
"""

import logging
from collections.abc import Callable

from django.db import OperationalError, connection, transaction
from psycopg import errors as pg_errors
from psycopg import sql

log = logging.getLogger(__name__)

# Transaction-local: while it is "own", a new layer row gets no partition from the trigger
# (the importer brings its own, built and attached as its last step).
OWN_PARTITION_SETTING = "commonmap.feature_partition"

# How long DETACH / DROP may wait for the parent's lock before giving up (and retrying):
# while they wait, every reader of layers_feature queues behind them.
SWAP_LOCK_TIMEOUT = "200ms"

FUNCTIONS = r"""
-- The name of a layer's partition.
CREATE OR REPLACE FUNCTION layers_feature_partition_name(layer bigint) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT 'layers_feature_' || layer $$;

-- A standalone table shaped like layers_feature (no index, no constraint but NOT NULL),
-- whose ids come from the parent's sequence, so that they stay unique across partitions.
CREATE OR REPLACE FUNCTION layers_feature_new_table(tbl text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('CREATE TABLE %I (LIKE layers_feature)', tbl);
    EXECUTE format('ALTER TABLE %I ALTER id SET DEFAULT nextval(%L::regclass)',
                   tbl, pg_get_serial_sequence('layers_feature', 'id'));
END
$$;

-- The parent's indexes and primary key built once on a filled table, and
-- CHECK (layer_id = layer): ATTACH then adopts them and skips its partition-bound scan.
-- A GIN index is built with 16MB of maintenance_work_mem, the others with the caller's:
-- GIN's accumulator walks a tree of every key it holds, which stays in the CPU's cache
-- when small. With keys unique to a row (a code, a name), 16MB builds a million rows'
-- attributes 30% faster than 256MB, and a smaller index; with few distinct values, 0.2s
-- slower.
CREATE OR REPLACE FUNCTION layers_feature_prepare(tbl text, layer bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    d text;
    am name;
    memory text := current_setting('maintenance_work_mem');
BEGIN
    FOR d, am IN
        SELECT pg_get_indexdef(i.indexrelid), a.amname FROM pg_index AS i
        JOIN pg_class AS c ON c.oid = i.indexrelid JOIN pg_am AS a ON a.oid = c.relam
        WHERE i.indrelid = 'layers_feature'::regclass AND NOT i.indisprimary
        ORDER BY i.indexrelid
    LOOP
        PERFORM set_config('maintenance_work_mem',
                           CASE WHEN am = 'gin' THEN '16MB' ELSE memory END, true);
        EXECUTE regexp_replace(d, '^CREATE (UNIQUE )?INDEX \S+ ON ONLY \S+ ',
                               format('CREATE \1INDEX ON %I ', tbl));
    END LOOP;
    PERFORM set_config('maintenance_work_mem', memory, true);
    FOR d IN
        SELECT pg_get_constraintdef(c.oid) FROM pg_constraint AS c
        WHERE c.conrelid = 'layers_feature'::regclass AND c.contype = 'p'
    LOOP
        EXECUTE format('ALTER TABLE %I ADD %s', tbl, d);
    END LOOP;
    EXECUTE format('ALTER TABLE %I ADD CHECK (layer_id = %s)', tbl, layer);
END
$$;

-- SHARE UPDATE EXCLUSIVE on the parent: other layers' readers and writers go on.
CREATE OR REPLACE FUNCTION layers_feature_attach(tbl text, layer bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('ALTER TABLE layers_feature ATTACH PARTITION %I FOR VALUES IN (%s)',
                   tbl, layer);
END
$$;

-- Every layer has its partition before any of its features is written, however the layer
-- was made; the importer brings its own (OWN_PARTITION_SETTING).
CREATE OR REPLACE FUNCTION layers_feature_partition_of_new_layer() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('commonmap.feature_partition', true) = 'own' THEN
        RETURN NULL;
    END IF;
    PERFORM layers_feature_new_table(layers_feature_partition_name(NEW.id));
    PERFORM layers_feature_attach(layers_feature_partition_name(NEW.id), NEW.id);
    RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS layers_feature_partition ON layers_layer;
CREATE TRIGGER layers_feature_partition AFTER INSERT ON layers_layer
    FOR EACH ROW EXECUTE FUNCTION layers_feature_partition_of_new_layer();

-- Partitions whose layer is gone (dropped by drop_orphan_partitions, never in the
-- deleting transaction).
CREATE OR REPLACE FUNCTION layers_feature_orphans() RETURNS SETOF text
LANGUAGE sql STABLE AS $$
    SELECT c.relname::text FROM pg_inherits AS i JOIN pg_class AS c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'layers_feature'::regclass
      AND NOT EXISTS (
          SELECT 1 FROM layers_layer AS l
          WHERE pg_get_expr(c.relpartbound, c.oid) = format('FOR VALUES IN (''%s'')', l.id))
    ORDER BY 1
$$;
"""

DROP_FUNCTIONS = """
DROP TRIGGER IF EXISTS layers_feature_partition ON layers_layer;
DROP FUNCTION IF EXISTS layers_feature_partition_of_new_layer();
DROP FUNCTION IF EXISTS layers_feature_orphans();
DROP FUNCTION IF EXISTS layers_feature_attach(text, bigint);
DROP FUNCTION IF EXISTS layers_feature_prepare(text, bigint);
DROP FUNCTION IF EXISTS layers_feature_new_table(text);
DROP FUNCTION IF EXISTS layers_feature_partition_name(bigint);
"""


def partition_name(layer_id: int) -> str:
    """The table that holds a layer's features."""
    return f"layers_feature_{int(layer_id)}"


def drop_and_rename(cursor, table: str, target: str) -> None:
    """In an import's swap: the old partition ``target`` (if any) dropped, waiting at most
    ``SWAP_LOCK_TIMEOUT`` for its parent's ACCESS EXCLUSIVE lock (the caller retries), and
    the new ``table`` renamed to it, to be attached next. Dropped attached: DETACH would
    take the same lock."""
    cursor.execute("SET LOCAL lock_timeout = %s", [SWAP_LOCK_TIMEOUT])
    cursor.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(target)))
    cursor.execute("SET LOCAL lock_timeout TO DEFAULT")
    cursor.execute(
        sql.SQL("ALTER TABLE {} RENAME TO {}").format(sql.Identifier(table), sql.Identifier(target))
    )


def drop_orphan_partitions() -> list[str]:
    """Drop the (empty) partitions of deleted layers (``drop_each``). Returns the tables
    dropped."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT layers_feature_orphans()")
        names = [row[0] for row in cursor.fetchall()]
    return drop_each(names, "partition")


def drop_each(names: list[str], what: str, may_drop: Callable | None = None) -> list[str]:
    """Drop each table of ``names`` in a short transaction of its own that waits at most
    ``SWAP_LOCK_TIMEOUT`` for each lock; ``may_drop(cursor, name)``, run first in that
    transaction, may spare it. One it could not lock is left for the next sweep, logged
    without a traceback (other errors keep theirs). Returns the tables dropped."""
    dropped = []
    for name in names:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = %s", [SWAP_LOCK_TIMEOUT])
                if may_drop is not None and not may_drop(cursor, name):
                    continue
                cursor.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(name)))
        except OperationalError as exc:
            # Busy (autovacuum on a fresh table, a long read) is expected: no traceback.
            busy = isinstance(exc.__cause__, pg_errors.LockNotAvailable)
            log.warning("%s %s busy, left for the next sweep", what, name, exc_info=not busy)
        else:
            dropped.append(name)
    return dropped


def drop_partitions_after_commit(sender, **kwargs) -> None:
    """post_delete of a Layer: once the deletion commits, its partition goes (in its own
    short transaction, never holding the parent's lock in the deleting one)."""
    transaction.on_commit(drop_orphan_partitions)
