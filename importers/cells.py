"""A new point layer's pyramid counted by the importing process while it reads the file.

While an import reads and checks its batches, PostgreSQL is busy taking the COPY on the
other core and this process has CPU to spare. Counting the points into cells then, in
numpy, and copying the finished cells in at the end spares ``recount_layer_sql`` reading,
transforming, sorting and grouping every point again (5 of its 11 s for a million points);
what remains is PostgreSQL inserting the ~1,000,000 cells into the primary key.

The cells equal ``recount_layer_sql``'s (tiles/pyramid.py) key for key:

- the Web Mercator position is pyproj's, which runs PROJ's own webmerc as PostGIS's
  ``ST_Transform(geom, 3857)`` does and gave the same doubles, bit for bit, for the
  1,000,000 points of the benchmark layer and for points at ±180° longitude, at and beyond
  ±85.06° latitude and at the poles (numpy's own tan/arcsinh differed in the last bit for
  one point in six, which can move a point on a cell's edge);
- a level-``TOP_LEVEL`` cell is ``floor((x + HALF) / size)``, the same two correctly
  rounded operations as the SQL;
- each coarser level halves the cell with SQL's integer division, which truncates toward
  zero (-3 / 2 = -1), not numpy's ``//``, which floors (-3 // 2 = -2): cells north of Web
  Mercator's limit have negative rows.

Sums of metres are added in another order than PostgreSQL's, so they differ in the last bits.
Only a layer of Points without counted attributes is counted here; anything else (groups,
MultiPoints, a row dropped after staging) is left to ``recount_layer_sql``.
"""

import time
from collections.abc import Iterator
from functools import lru_cache

import numpy as np
import pyarrow as pa
import shapely
from django.db import connection
from psycopg import sql
from pyproj import Transformer

from importers import binary_copy
from layers.models import Layer
from tiles.pyramid import HALF, TOP_LEVEL, cell_size

_POINT = 0  # GEOS type id
_SHIFT = np.int64(1 << 31)  # a signed 32-bit cell index as an unsigned one, order kept
# Level-TOP_LEVEL rows kept before merging (40 bytes each), and distinct cells beyond which
# the SQL counts instead: about 1,500,000 cells is 3,000,000 points spread over the city.
MERGE_AT = 2_000_000
MAX_CELLS = 1_500_000
_ROWS_PER_WRITE = 65_536  # cells per COPY write: a level's rows never all at once in memory
_COPY = "COPY {} (layer, z, cx, cy, grp, n, sx, sy) FROM STDIN (FORMAT binary)"


class PointCells:
    """The level-``TOP_LEVEL`` cells of the points added so far (EPSG:4326 Points, as
    stored), and ``copy_into`` to write every level of them into a table of the layer's cells.

    ``exact`` is False, and nothing is counted, for an import whose pyramid only the SQL
    counts, or as soon as a geometry is not a plain 2D point or does not project, or the
    distinct cells pass ``MAX_CELLS`` (memory stays bounded however big the file).

    Each batch's cells are kept apart, as few rows as its distinct cells; past
    ``MERGE_AT`` rows they are merged into one set of the distinct cells so far."""

    def __init__(self, exact: bool = True) -> None:
        self.points = 0
        self.exact = exact
        self.seconds = 0.0  # spent in ``add``: the read loop's extra time
        self._parts: list[tuple[np.ndarray, ...]] = []  # (cx, cy, n, sx, sy) per batch
        self._rows = 0  # in _parts

    @classmethod
    def for_import(cls, mode: str, layer: Layer | None, layer_type: str) -> "PointCells":
        """Cells to count while an import reads its rows: exact only where they can be
        ``recount_layer_sql``'s, a new or replaced layer (``layer`` None: a new one) of
        Points without counted attributes (an import never sets them on a new layer)."""
        rebuilt = mode in ("create", "replace")
        grouped = layer is not None and bool(layer.cluster_attributes)
        return cls(exact=rebuilt and layer_type == "Point" and not grouped)

    def add(self, geoms: np.ndarray) -> None:
        """Count a batch's stored geometries (None for rejected rows)."""
        if not self.exact:
            return
        started = time.monotonic()
        points = geoms[~shapely.is_missing(geoms)]
        if len(points):
            self._add_points(points)
        self.seconds += time.monotonic() - started

    def _add_points(self, points: np.ndarray) -> None:
        if (shapely.get_type_id(points) != _POINT).any():
            self._give_up()
            return
        xy = shapely.get_coordinates(points)
        if len(xy) != len(points):  # an empty point: not counted by the SQL either
            self._give_up()
            return
        x, y = _to_mercator().transform(xy[:, 0], xy[:, 1])
        if not (np.isfinite(x).all() and np.isfinite(y).all()):
            self._give_up()
            return
        top = cell_size(TOP_LEVEL)
        cx = np.floor((x + HALF) / top).astype(np.int64)
        cy = np.floor((HALF - y) / top).astype(np.int64)
        part = _reduce(cx, cy, np.ones(len(x), np.int64), x, y)
        self._parts.append(part)
        self._rows += len(part[0])
        self.points += len(points)
        if self._rows > MERGE_AT:
            columns = [np.concatenate(column) for column in zip(*self._parts, strict=True)]
            self._parts = [_reduce(*columns)]
            self._rows = len(self._parts[0][0])
            if self._rows > MAX_CELLS:
                self._give_up()

    def _give_up(self) -> None:
        """Leave the count to the SQL (``recount_layer_sql``), and the memory free."""
        self.exact = False
        self._parts, self._rows = [], 0

    def for_layer(self, layer: Layer, rows: int) -> "PointCells | None":
        """These cells as ``layer``'s (as locked now), if they are ``recount_layer_sql``'s
        for it with its ``rows`` rows; else None (the SQL counts them). A row dropped after
        staging (a repeated key) leaves fewer rows than points counted."""
        if not (self.exact and self.points == rows and layer.geometry_type == "Point"):
            return None
        if layer.cluster_attributes:
            return None
        return self

    def levels(self) -> Iterator[tuple]:
        """(z, cx, cy, n, sx, sy) per level, finest first (as ``recount_layer_sql`` inserts
        them), each sorted by (cx, cy): the primary key's order within a level. Once: the
        counted points are let go as the levels are made."""
        if not self._parts:
            return
        parts, self._parts = self._parts, []  # read once: memory goes as each level is made
        columns = [np.concatenate(column) for column in zip(*parts, strict=True)]
        del parts
        cells = _reduce(*columns)
        del columns
        yield (TOP_LEVEL, *cells)
        for level in range(TOP_LEVEL - 1, -1, -1):
            cx, cy, n, sx, sy = cells
            # SQL's cx / 2 truncates toward zero; numpy's // would floor negative rows.
            cells = _reduce(_halved(cx), _halved(cy), n, sx, sy)
            del cx, cy, n, sx, sy
            yield (level, *cells)

    def copy_into(self, table: str, slug: str) -> int:
        """These cells written into ``table`` as the layer's (its table of cells to swap
        in, tiles/cell_partitions.py); returns how many.

        Each level goes to PostgreSQL as soon as it is made, so this process makes the next
        while PostgreSQL takes the last (inserting them is most of the time)."""
        count = 0
        pa.default_memory_pool().release_unused()  # the read's buffers, before the levels'
        with connection.cursor() as cursor:
            statement = sql.SQL(_COPY).format(sql.Identifier(table))
            with cursor.cursor.copy(statement) as copy:
                copy.write(binary_copy.HEADER)
                for z, *cells in self.levels():
                    for start in range(0, len(cells[0]), _ROWS_PER_WRITE):
                        chunk = [column[start : start + _ROWS_PER_WRITE] for column in cells]
                        copy.write(_rows(slug, z, *chunk))
                    count += len(cells[0])
                copy.write(binary_copy.TRAILER)
        return count


@lru_cache(maxsize=1)
def _to_mercator() -> Transformer:
    return Transformer.from_crs(4326, 3857, always_xy=True)


def _halved(cells: np.ndarray) -> np.ndarray:
    return np.where(cells < 0, -(-cells // 2), cells // 2)


def _reduce(cx, cy, n, sx, sy) -> tuple[np.ndarray, ...]:
    """One row per distinct (cx, cy), sorted: counts and sums added up."""
    key = ((cx + _SHIFT).astype(np.uint64) << np.uint64(32)) | (cy + _SHIFT).astype(np.uint64)
    keys, inverse = np.unique(key, return_inverse=True)
    size = len(keys)
    return (
        (keys >> np.uint64(32)).astype(np.int64) - _SHIFT,
        (keys & np.uint64(0xFFFFFFFF)).astype(np.int64) - _SHIFT,
        np.bincount(inverse, weights=n, minlength=size).astype(np.int64),
        np.bincount(inverse, weights=sx, minlength=size),
        np.bincount(inverse, weights=sy, minlength=size),
    )


def _rows(slug: str, z: int, cx, cy, n, sx, sy) -> memoryview:
    """Binary COPY rows of one level: every field fixed-width (the slug, grp '', numbers),
    so a numpy record per row, big-endian, each field after its length."""
    layer = slug.encode()
    record = np.dtype(
        [
            ("fields", ">i2"),
            ("layer_length", ">i4"),
            ("layer", f"S{len(layer)}"),
            ("z_length", ">i4"),
            ("z", ">i2"),
            ("cx_length", ">i4"),
            ("cx", ">i4"),
            ("cy_length", ">i4"),
            ("cy", ">i4"),
            ("grp_length", ">i4"),  # '' (the total): a zero-length text
            ("n_length", ">i4"),
            ("n", ">i4"),
            ("sx_length", ">i4"),
            ("sx", ">f8"),
            ("sy_length", ">i4"),
            ("sy", ">f8"),
        ]
    )
    out = np.empty(len(cx), dtype=record)
    out["fields"] = 8
    out["layer_length"], out["layer"] = len(layer), layer
    out["z_length"], out["z"] = 2, z
    out["cx_length"], out["cx"] = 4, cx
    out["cy_length"], out["cy"] = 4, cy
    out["grp_length"] = 0
    out["n_length"], out["n"] = 4, n
    out["sx_length"], out["sx"] = 8, sx
    out["sy_length"], out["sy"] = 8, sy
    return memoryview(out.view(np.uint8))
