"""Rows into PostGIS: COPY into a staging table, then one statement per mode; or, for a
new or replaced layer with no key, COPY straight into the layer's own table.

Each batch is encoded in PostgreSQL's binary COPY format by Arrow and numpy (no Python
loop per row, importers/binary_copy.py) and streamed, from a thread, into one COPY of a
temporary table whose attribute columns keep the file's types; PostgreSQL then builds
the JSONB attributes and moves the rows into ``layers_feature`` in one INSERT (or
UPDATE + INSERT for an upsert), or, for a new or replaced layer, into a table of its own
that is swapped in at the end (importers/swap.py). When such a layer has no key and
attributes importers/attributes_json.py encodes exactly, the rows skip staging: one COPY
into that table, its jsonb built here (``own_table``), on a connection of its own
(importers/side_build.py). Everything else happens in the caller's transaction, and the
table becomes the layer's only at its commit, so an import is all or nothing.
"""

import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial

import numpy as np
import psycopg
import pyarrow as pa
import pyarrow.compute as pc
import shapely
from django.db import connection
from psycopg import sql

from core.sql_files import load_sql as _load_sql
from importers import attributes_json, binary_copy
from importers.crs import STORAGE_SRID
from importers.geometry import Checked

load_sql = partial(_load_sql, "importers")


@dataclass(frozen=True)
class Column:
    """One attribute of the file: its name there, its staging column and types."""

    name: str
    staged: str  # c0, c1, ... (file names can be anything, even duplicates by case)
    pg_type: str
    schema_type: str  # the layer's attribute_schema type


def columns_for(schema: pa.Schema, ogr_types: dict[str, str]) -> list[Column]:
    """Staging columns for the file's attributes (binary ones are skipped)."""
    result = []
    for field in schema:
        pg_type, schema_type = _types(field.type, ogr_types.get(field.name, ""))
        if pg_type:
            result.append(Column(field.name, f"c{len(result)}", pg_type, schema_type))
    return result


def _types(arrow_type: pa.DataType, ogr_type: str) -> tuple[str | None, str]:
    if ogr_type == "OFTDateTime":
        return "text", "datetime"
    if ogr_type == "OFTDate":
        return "text", "date"
    if pa.types.is_boolean(arrow_type):
        return "boolean", "boolean"
    if pa.types.is_integer(arrow_type):
        return ("numeric" if arrow_type == pa.uint64() else "bigint"), "integer"
    if pa.types.is_floating(arrow_type) or pa.types.is_decimal(arrow_type):
        return "double precision", "number"
    if pa.types.is_date(arrow_type):
        return "date", "date"
    if pa.types.is_timestamp(arrow_type):
        return "timestamptz", "datetime"
    if pa.types.is_binary(arrow_type) or pa.types.is_large_binary(arrow_type):
        return None, ""
    if pa.types.is_list(arrow_type) or pa.types.is_struct(arrow_type):
        return "jsonb", "string"
    return "text", "string"


def create_staging(columns: list[Column]) -> None:
    """The temporary table the batches are copied into (dropped at commit or rollback)."""
    attrs = [sql.SQL("{} {}").format(sql.Identifier(c.staged), sql.SQL(c.pg_type)) for c in columns]
    statement = sql.SQL(
        "CREATE TEMP TABLE import_rows (_row bigint, _geom geometry(Geometry, 4326), "
        "_name text, _name_search text, _time timestamptz, _key text{sep}{attrs}) "
        "ON COMMIT DROP"
    ).format(sep=sql.SQL(", " if attrs else ""), attrs=sql.SQL(", ").join(attrs))
    with connection.cursor() as cursor:
        # Inside a test's transaction (a savepoint), the last import's table may remain.
        cursor.execute("DROP TABLE IF EXISTS import_rows")
        cursor.execute(statement)


@contextmanager
def staging(columns: list[Column]) -> Iterator["Staging"]:
    """The staging table, and one binary COPY into it that takes every batch in turn."""
    create_staging(columns)
    names = ["_row", "_geom", "_name", "_name_search", "_time", "_key"]
    statement = sql.SQL("COPY import_rows ({names}) FROM STDIN (FORMAT binary)").format(
        names=sql.SQL(", ").join(sql.Identifier(n) for n in names + [c.staged for c in columns])
    )
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy, _Feed(copy) as feed:
        feed(binary_copy.HEADER)
        yield Staging(columns, feed)
        feed(binary_copy.TRAILER)


class Staging:
    """The open COPY of the staging table (``staging``): batches go in in file order."""

    def __init__(self, columns: list[Column], feed: "_Feed"):
        self.columns = columns
        self._feed = feed

    def copy_batch(
        self, first_row: int, checked: Checked, attributes: pa.Table, extra: dict[str, pa.Array]
    ) -> int:
        """Stage the batch's accepted rows; returns how many.

        ``extra`` holds the per-row _name, _name_search, _time (timestamps) and _key columns.
        """
        keep = ~shapely.is_missing(checked.geoms)
        count = int(keep.sum())
        if count == 0:
            return 0
        mask = pa.array(keep)
        rows = pa.array(np.flatnonzero(keep) + first_row, type=pa.int64())
        fields = [
            binary_copy.field(rows, "bigint"),
            binary_copy.ewkb_field(checked.geoms[keep], STORAGE_SRID),
        ]
        for name, pg_type in _EXTRA_TYPES.items():
            fields.append(binary_copy.field(pc.filter(extra[name], mask), pg_type))
        for column in self.columns:
            values = pc.filter(attributes.column(column.name), mask).combine_chunks()
            fields.append(binary_copy.field(values, column.pg_type))
        self._feed(binary_copy.rows(fields))
        return count


_EXTRA_TYPES = {"_name": "text", "_name_search": "text", "_time": "timestamptz", "_key": "text"}


def copies_directly(mode: str, key: str | None, columns: list[Column]) -> bool:
    """Whether the rows skip the staging table for the layer's own table (``own_table``):
    a new or replaced layer with no key (whose duplicates are found in staging) and
    attributes whose jsonb importers/attributes_json.py writes exactly."""
    return (
        mode in ("create", "replace")
        and not key
        and attributes_json.encodable([c.pg_type for c in columns])
    )


@contextmanager
def own_table(
    table: str, layer_id: int, columns: list[Column], conn: psycopg.Connection
) -> Iterator["OwnTable"]:
    """One binary COPY of the rows straight into a new or replaced layer's standalone
    table, on ``conn`` (a side build's, importers/side_build.py, or the import's own when
    none could connect): no staging table, no INSERT ... SELECT. Its ids come from the
    table's default, the parent's sequence, so they follow the file's order."""
    names = ["layer_id", "geom", "attributes", "name", "name_search", "time", "source_key"]
    statement = sql.SQL("COPY {table} ({names}) FROM STDIN (FORMAT binary)").format(
        table=sql.Identifier(table), names=sql.SQL(", ").join(map(sql.Identifier, names))
    )
    with conn.cursor() as cursor, cursor.copy(statement) as copy, _Feed(copy) as feed:
        feed(binary_copy.HEADER)
        yield OwnTable(layer_id, columns, feed)
        feed(binary_copy.TRAILER)


class OwnTable:
    """The open COPY of a layer's own table (``own_table``): rows as the staging path's
    INSERT ... SELECT (importers/sql/insert_features.sql) would write them."""

    def __init__(self, layer_id: int, columns: list[Column], feed: "_Feed"):
        self.columns = columns
        self.copied = 0
        self._layer_id = layer_id
        self._feed = feed

    def copy_batch(
        self, first_row: int, checked: Checked, attributes: pa.Table, extra: dict[str, pa.Array]
    ) -> int:
        """Copy the batch's accepted rows (``Staging.copy_batch``'s arguments); returns how
        many."""
        keep = ~shapely.is_missing(checked.geoms)
        count = int(keep.sum())
        if count == 0:
            return 0
        mask = pa.array(keep)
        kept = attributes.filter(mask)
        values = [(c.name, c.pg_type, kept.column(c.name).combine_chunks()) for c in self.columns]
        fields = [
            binary_copy.field(pa.array(np.full(count, self._layer_id, dtype=np.int64)), "bigint"),
            binary_copy.ewkb_field(checked.geoms[keep], STORAGE_SRID),
            attributes_json.field(values, count),
            binary_copy.field(pc.filter(extra["_name"], mask), "text"),
            binary_copy.field(pc.filter(extra["_name_search"], mask), "text"),
            binary_copy.field(pc.filter(extra["_time"], mask), "timestamptz"),
            binary_copy.field(pa.array([""] * count), "text"),  # no key: '' as the INSERT wrote
        ]
        self._feed(binary_copy.rows(fields))
        self.copied += count
        return count


class _Feed:
    """Writes the COPY's data from a thread of its own, so that PostgreSQL reads a batch
    while this process reads and checks the next; at most two batches wait in between."""

    def __init__(self, copy):
        self._copy = copy
        self._queue: queue.Queue = queue.Queue(maxsize=2)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._write, name="import-copy", daemon=True)

    def __enter__(self) -> "_Feed":
        self._thread.start()
        return self

    def __call__(self, data) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put(data)

    def __exit__(self, kind, value, traceback) -> None:
        self._queue.put(None)
        self._thread.join()
        if self._error is not None and kind is None:
            raise self._error

    def _write(self) -> None:
        while (data := self._queue.get()) is not None:
            if self._error is None:  # after an error, only empty the queue
                try:
                    self._copy.write(data)
                except BaseException as exc:  # raised again in the importing thread
                    self._error = exc


def _attributes(columns: list[Column]) -> sql.Composable:
    """jsonb of the staged attribute columns, NULLs left out; 50 pairs per call (the
    100-argument limit of PostgreSQL functions)."""
    if not columns:
        return sql.SQL("'{}'::jsonb")
    parts = []
    for start in range(0, len(columns), 50):
        pairs = sql.SQL(", ").join(
            sql.SQL("{}, s.{}").format(sql.Literal(c.name), sql.Identifier(c.staged))
            for c in columns[start : start + 50]
        )
        parts.append(sql.SQL("jsonb_build_object({})").format(pairs))
    return sql.SQL("jsonb_strip_nulls({})").format(sql.SQL(" || ").join(parts))


def duplicate_keys() -> list[tuple[int, str, int]]:
    """(row, key, first row with that key) for every repeated key, and drops the repeats."""
    with connection.cursor() as cursor:
        cursor.execute(load_sql("duplicate_keys"))
        rows = cursor.fetchall()
        if rows:
            cursor.execute("DELETE FROM import_rows WHERE _row = ANY(%s)", [[r[0] for r in rows]])
    return rows


def insert(
    layer_id: int, columns: list[Column], only_new: bool = False, table: str = "layers_feature"
) -> int:
    """Staged rows → new features (for an upsert only keys the layer lacks), into
    ``layers_feature`` or a new or replaced layer's standalone table (importers/swap.py)."""
    condition = sql.SQL(
        "AND NOT EXISTS (SELECT 1 FROM layers_feature f "
        "WHERE f.layer_id = {layer_id} AND f.source_key = s._key)"
        if only_new
        else ""
    )
    statement = sql.SQL(load_sql("insert_features")).format(
        table=sql.Identifier(table),
        attributes=_attributes(columns),
        only_new=condition.format(layer_id=sql.Literal(layer_id)),
        layer_id=sql.Literal(layer_id),
    )
    with connection.cursor() as cursor:
        # Composed without parameters: field names may hold "%", which psycopg would
        # otherwise read as placeholders.
        cursor.execute(statement)
        return cursor.rowcount


def update(layer_id: int, columns: list[Column]) -> int:
    """Upsert: features with a staged key take the staged content where it differs."""
    statement = sql.SQL(load_sql("update_features")).format(
        attributes=_attributes(columns), layer_id=sql.Literal(layer_id)
    )
    with connection.cursor() as cursor:
        cursor.execute(statement)
        return cursor.rowcount


def staged_count() -> int:
    """Rows in the staging table."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM import_rows")
        return cursor.fetchone()[0]
