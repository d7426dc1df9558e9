"""A new or replaced layer's table, filled and indexed on connections of its own.

When the rows skip staging (``writer.copies_directly``), the layer's standalone table
(importers/swap.py) is made and filled by a second connection, in autocommit, and its
indexes are then built by that connection and a third one at once, while the import's
own transaction copies the point pyramid's cells: on two cores the index builds and the
cells no longer wait for each other (PostgreSQL builds each index on one core). Then the
import's transaction renames and attaches the table (``swap.swap_in``) as the other path
does, so the layer changes at its commit, all at once, as before.

The table is committed before the import is, but nothing reads it: it is no partition
yet, and only the import knows its name. An import that does not commit (refused, a dry
run, an error) drops it as soon as its transaction has ended (``SideBuild.close``); one
left by a process that died holds no builder's advisory lock, and the every-minute sweep
drops it (``drop_orphan_builds``).

Locks: the builders never touch ``layers_feature`` (they read its columns and indexes
from the catalogue only), so they cannot wait for a lock the import's transaction holds;
the import waits for them only where it joins them.
"""

import logging
import queue
import threading

import psycopg
from django.db import connection
from psycopg import sql

from core.sql_files import load_sql
from importers.swap import INDEX_MEMORY
from layers.partitions import drop_each, partition_name

log = logging.getLogger(__name__)

# The two-key advisory lock (this, its backend's pid) a builder holds while it lives.
_LOCK_SPACE = "hashtext('commonmap.feature_build')"
_BUILDERS = 2  # connections building indexes at once: the machine's cores, not more
# maintenance_work_mem per build, as swap.build_indexes gives it (GIN's 16MB:
# layers_feature_prepare says why).
_MEMORY = {"gin": "16MB"}
_LOCK_TIMEOUT = "60s"


def table_name(layer_id: int, builder: int) -> str:
    """The standalone table a side build fills for the layer: named after its builder's
    backend too, since the one of the layer's last import may still be known by that name
    to other sessions (renamed to the partition in a transaction not yet committed)."""
    return f"{partition_name(layer_id)}_build_{int(builder)}"


def _connect() -> psycopg.Connection:
    """A connection of its own to the import's database, in autocommit. Nothing it does
    waits for the import's locks; ``lock_timeout`` turns a regression into an error."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)  # Django's client-side binding cursor: not needed
    conn = psycopg.connect(**params, autocommit=True)
    conn.execute("SELECT set_config('lock_timeout', %s, false)", [_LOCK_TIMEOUT])
    return conn


class SideBuild:
    """The table of one import (``start``): the connection whose COPY fills it
    (``filler``), its indexes (``build`` then ``finish``), and its end (``close``, after
    the import's transaction)."""

    def __init__(self, layer_id: int) -> None:
        self.layer_id = layer_id
        self._filler = _connect()
        self.table = table_name(layer_id, self._filler.info.backend_pid)
        self._connections = [self._filler]  # the filler, then the other builders
        self._threads: list[threading.Thread] = []
        self._errors: list[BaseException] = []
        self._primary = ""

    @classmethod
    def start(cls, layer_id: int) -> "SideBuild":
        """The empty table made and committed, shaped like ``layers_feature`` with the
        ``CHECK (layer_id = n)`` that lets ATTACH skip its scan, and without autovacuum
        until ``finish`` (an index build would wait for it until PostgreSQL cancelled it,
        a second); its builder's advisory lock held until ``close``
        (``drop_orphan_builds``)."""
        build = cls(layer_id)
        try:
            conn = build._filler
            conn.execute(f"SELECT pg_advisory_lock({_LOCK_SPACE}, pg_backend_pid())")
            columns = conn.execute(load_sql("importers", "build_table_columns")).fetchone()[0]
            conn.execute(
                sql.SQL(
                    "CREATE TABLE {} ({}, CHECK (layer_id = {})) WITH (autovacuum_enabled = off)"
                ).format(sql.Identifier(build.table), sql.SQL(columns), sql.Literal(layer_id))
            )
        except BaseException:
            build.close(committed=False)
            raise
        return build

    @property
    def filler(self) -> psycopg.Connection:
        """The connection whose COPY fills the table (writer.own_table)."""
        return self._filler

    def build(self) -> None:
        """Every index of the parent started on the filled table, spread over two
        connections (GIN and GiST first: the longest builds); ``finish`` waits for them."""
        statements = self._filler.execute(
            load_sql("importers", "build_table_indexes"), {"tbl": self.table}
        ).fetchall()
        work: queue.SimpleQueue = queue.SimpleQueue()
        for statement, method, primary in statements:
            work.put((statement, method))
            if primary:
                self._primary = primary
        for _ in range(_BUILDERS - 1):
            try:
                self._connections.append(_connect())
            except psycopg.OperationalError:  # the server has no connection to spare
                log.warning("index builds of %s on one connection", self.table, exc_info=True)
        self._threads = [
            threading.Thread(target=self._run, args=(conn, work), name="import-index")
            for conn in self._connections
        ]
        for thread in self._threads:
            thread.start()

    def _run(self, conn: psycopg.Connection, work: queue.SimpleQueue) -> None:
        while not self._errors:
            try:
                statement, method = work.get_nowait()
            except queue.Empty:
                return
            try:
                conn.execute(
                    "SELECT set_config('maintenance_work_mem', %s, false)",
                    [_MEMORY.get(method, INDEX_MEMORY)],
                )
                conn.execute(statement)
            except BaseException as exc:  # raised again by finish, in the importing thread
                self._errors.append(exc)

    def finish(self) -> None:
        """Wait for the index builds; the unique index made the primary key and
        autovacuum let in again, in the import's transaction (which may be reading the
        table: the pyramid's recount)."""
        for thread in self._threads:
            thread.join()
        self._threads = []
        if self._errors:
            raise self._errors[0]
        if self._primary:
            name = sql.Identifier(self._primary)
            with connection.cursor() as cursor:
                cursor.execute(
                    sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} PRIMARY KEY USING INDEX {}").format(
                        sql.Identifier(self.table), name, name
                    )
                )
        with connection.cursor() as cursor:
            cursor.execute(
                sql.SQL("ALTER TABLE {} RESET (autovacuum_enabled)").format(
                    sql.Identifier(self.table)
                )
            )

    def close(self, committed: bool) -> None:
        """After the import's transaction: the table dropped unless it was swapped in (a
        rolled-back rename or ATTACH has left it standalone again), the connections
        closed (which frees the advisory lock)."""
        for thread in self._threads:  # an error between build and finish
            thread.join()
        try:
            if not committed and not self._filler.closed:
                self._filler.execute("SELECT set_config('lock_timeout', %s, false)", ["5s"])
                self._filler.execute(
                    sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(self.table))
                )
        except psycopg.Error:
            log.warning("table %s left for the sweep", self.table, exc_info=True)
        finally:
            for conn in self._connections:
                conn.close()


def drop_orphan_builds() -> list[str]:
    """Drop the side builds' tables whose builder is gone (its process died), each in a
    short transaction that takes the builder's advisory lock first, so a live build is
    never touched (``partitions.drop_each``). Returns the tables dropped."""
    with connection.cursor() as cursor:
        cursor.execute(load_sql("importers", "orphan_builds"))
        builders = dict(cursor.fetchall())

    def builder_gone(cursor, name: str) -> bool:
        cursor.execute(f"SELECT pg_try_advisory_xact_lock({_LOCK_SPACE}, %s::int)",
                       [builders[name]])  # fmt: skip
        return cursor.fetchone()[0]

    return drop_each(list(builders), "build table", builder_gone)
