"""Arrow columns in PostgreSQL's binary COPY format, built without a Python loop per row.

A binary COPY row is a 16-bit field count, then each field as a 32-bit length (-1 for
NULL) and the bytes of the type's send format: big-endian integers and floats, days or
microseconds since 2000-01-01, UTF-8 text, EWKB for a geometry. numpy writes the
fixed-width values big-endian; Arrow joins, element-wise in C++, each field's length to its
bytes and then a row's fields. Compared with CSV and hex EWKB, the geometry takes half the
bytes, nothing is quoted or hex-encoded here, and PostgreSQL's receive functions do less
work than its text input functions.
"""

import json
import struct

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import shapely

HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # signature, flags, no header extension
TRAILER = b"\xff\xff"  # a field count of -1

_DAYS_TO_2000 = 10_957  # PostgreSQL counts dates and times from 2000-01-01
_MICROS_TO_2000 = _DAYS_TO_2000 * 86_400_000_000
_EMPTY = pa.scalar(b"", pa.large_binary())
_POINT = 0  # GEOS type id
_EWKB_SRID_FLAG = 0x20000000
_JSONB_VERSION = b"\x01"


def rows(fields: list[pa.Array]) -> memoryview:
    """The COPY data of the rows whose fields, in column order, are ``fields`` (each made
    by ``field`` or ``ewkb_field``)."""
    count = len(fields[0])
    header = _bytes_of(np.full(count, len(fields), dtype=">i2"))
    joined = pc.binary_join_element_wise(header, *fields, _EMPTY)
    offsets = np.frombuffer(joined.buffers()[1], np.int64, count + 1, joined.offset * 8)
    return memoryview(joined.buffers()[2])[offsets[0] : offsets[-1]]


def field(values: pa.Array, pg_type: str) -> pa.Array:
    """Each value as a field of a column of ``pg_type`` (the staging table's type)."""
    if values.null_count == len(values):
        return _bytes_of(np.full(len(values), -1, dtype=">i4"))
    kind = values.type
    if pg_type == "bigint":
        return _fixed(pc.cast(values, pa.int64()), ">i8")
    if pg_type == "double precision":
        return _fixed(as_double(values), ">f8")
    if pg_type == "boolean":
        return _fixed(pc.cast(values, pa.uint8()), "u1")
    if pg_type == "date":
        days = pc.cast(pc.cast(values, pa.date32()), pa.int32())
        return _fixed(pc.subtract(days, _DAYS_TO_2000), ">i4")
    if pg_type == "timestamptz":
        # Arrow keeps instants in UTC; a naive one counts as UTC, the time zone of Django's
        # connection, which is how PostgreSQL read the text of one before.
        micros = pc.cast(pc.cast(values, pa.timestamp("us", kind.tz), safe=False), pa.int64())
        return _fixed(pc.subtract(micros, _MICROS_TO_2000), ">i8")
    if pg_type == "numeric":  # uint64 only (bigint holds every other integer type)
        payload = [None if v is None else _numeric(v) for v in values.to_pylist()]
    elif pg_type == "jsonb":  # lists and structs
        payload = [
            None if v is None else _JSONB_VERSION + json_text(v).encode()
            for v in values.to_pylist()
        ]
    else:  # text: any other type as Arrow writes it as text (dates and times in ISO 8601)
        return _with_length(pc.cast(pc.cast(values, pa.string()), pa.large_binary()))
    return _with_length(pa.array(payload, pa.large_binary()))


def as_double(values: pa.Array) -> pa.Array:
    """The doubles a ``double precision`` column gets: float32 and decimals as CSV wrote
    them, the shortest text that reads back the same, then the double nearest to that
    text (as PostgreSQL's float8in)."""
    if pa.types.is_float64(values.type):
        return values
    return pc.cast(pc.cast(values, pa.string()), pa.float64())


def json_text(value) -> str:
    """A list or struct value (as Arrow's ``to_pylist`` gives it) as JSON text."""
    return json.dumps(value, default=str)


def ewkb_field(geoms: np.ndarray, srid: int) -> pa.Array:
    """2D geometries (no None) as fields of a ``geometry`` column: EWKB with the SRID."""
    if len(geoms) and (shapely.get_type_id(geoms) == _POINT).all():
        xy = shapely.get_coordinates(geoms)
        if len(xy) == len(geoms):  # no empty point: each is 4 + 25 bytes written by numpy
            out = np.empty(
                len(geoms),
                dtype=[
                    ("length", ">i4"),
                    ("order", "u1"),
                    ("type", "<u4"),
                    ("srid", "<u4"),
                    ("xy", "<f8", 2),
                ],
            )
            out["length"], out["order"], out["type"] = 25, 1, _EWKB_SRID_FLAG | 1
            out["srid"], out["xy"] = srid, xy
            return _bytes_of(out)
    # GEOS writes little-endian WKB faster than EWKB (which needs a copy of each geometry
    # with its SRID set); the SRID goes in after the type, whose top byte gets the flag
    # (2D types are below 256, so that byte is 0).
    wkb = pa.array(shapely.to_wkb(geoms, byte_order=1), type=pa.large_binary())
    flag_and_srid = pa.scalar(b"\x20" + struct.pack("<I", srid), pa.large_binary())
    longest = pc.max(pc.binary_length(wkb)).as_py()  # pyarrow 21 fails without a stop
    ewkb = pc.binary_join_element_wise(
        pc.binary_slice(wkb, 0, 4), flag_and_srid, pc.binary_slice(wkb, 5, longest), _EMPTY
    )
    return _with_length(ewkb)


def framed(body: pa.Array, before: bytes, after: bytes) -> pa.Array:
    """Each (non-NULL) text or binary value of ``body`` as a field whose bytes are
    ``before``, the value, then ``after``, in one pass."""
    lengths = pc.binary_length(body).to_numpy(zero_copy_only=False) + len(before) + len(after)
    return pc.binary_join_element_wise(
        _bytes_of(lengths.astype(">i4")),
        pa.scalar(before, pa.large_binary()),
        pc.cast(body, pa.large_binary()),
        pa.scalar(after, pa.large_binary()),
        _EMPTY,
    )


def _with_length(payload: pa.Array) -> pa.Array:
    lengths = pc.fill_null(pc.binary_length(payload), -1).to_numpy()
    prefix = _bytes_of(lengths.astype(">i4"))
    return pc.binary_join_element_wise(prefix, payload, _EMPTY, null_handling="skip")


def _fixed(values: pa.Array, dtype: str) -> pa.Array:
    """Fixed-width values big-endian, each after its length (or alone, -1, when NULL)."""
    data = pc.fill_null(values, 0).to_numpy(zero_copy_only=False)
    if not values.null_count:
        out = np.empty(len(values), dtype=[("length", ">i4"), ("value", dtype)])
        out["length"], out["value"] = out.dtype["value"].itemsize, data
        return _bytes_of(out)
    data = data.astype(dtype)
    payload = pa.FixedSizeBinaryArray.from_buffers(
        pa.binary(data.itemsize),
        len(values),
        [pc.is_valid(values).buffers()[1], pa.py_buffer(data)],
        null_count=values.null_count,
    )
    return _with_length(payload.cast(pa.large_binary()))


def _bytes_of(records: np.ndarray) -> pa.Array:
    fixed = pa.FixedSizeBinaryArray.from_buffers(
        pa.binary(records.dtype.itemsize), len(records), [None, pa.py_buffer(records)]
    )
    return fixed.cast(pa.large_binary())


def _numeric(value: int) -> bytes:
    """A non-negative integer in numeric's send format: base-10000 digits, most
    significant first, trailing zero digits left out (the weight keeps the magnitude)."""
    digits = []
    while value:
        value, digit = divmod(value, 10_000)
        digits.append(digit)
    weight = len(digits) - 1 if digits else 0
    digits.reverse()
    while digits and digits[-1] == 0:
        digits.pop()
    return struct.pack(f">hhHH{len(digits)}H", len(digits), weight, 0, 0, *digits)
