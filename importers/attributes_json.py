"""Each row's attributes as a jsonb field of a binary COPY, built by Arrow and numpy.

A new or replaced layer's rows go straight into its own table (importers/writer.py,
``own_table``), so the jsonb that ``jsonb_strip_nulls(jsonb_build_object(...))`` made of
the staged columns (importers/sql/insert_features.sql) is written here instead, and must
be the same value: PostgreSQL parses this JSON text into jsonb, so only what the text
means matters, never its spelling (key order, escapes, ``1e-7`` for ``1e-07``). What it
must match: NULL attributes left out (inside lists and structs too, but not a list's
NULL elements); doubles as float8out's shortest digits, NaN and infinities as the JSON
strings ``to_jsonb`` makes of them; integers, uint64 and booleans exactly; text escaped.
Dates and timestamps (``to_jsonb`` writes a timestamptz in the session's time zone) keep
the staging path, so an import that has them is staged (``encodable``).
"""

import json
import math

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from importers import binary_copy

# The staging column types (importers/writer.py) whose jsonb this module writes.
ENCODABLE = {"text", "bigint", "numeric", "double precision", "boolean", "jsonb"}

_CONTROL = "".join(chr(c) for c in range(0x20))
_NOT_FINITE = {"nan": '"NaN"', "inf": '"Infinity"', "-inf": '"-Infinity"'}


def encodable(pg_types: list[str]) -> bool:
    """Whether every attribute's jsonb can be written here exactly."""
    return all(pg_type in ENCODABLE for pg_type in pg_types)


def field(columns: list[tuple[str, str, pa.Array]], count: int) -> pa.Array:
    """The ``count`` rows' attributes as fields of a jsonb column, from (name, staging
    type, values) for each attribute, in the file's order.

    The attributes with a value on every row are joined in one pass, their keys and
    punctuation as constants; only those with NULLs need a ``"key":value`` pair of their
    own, left out where NULL (jsonb_strip_nulls). Joining every attribute as a pair first
    took 0.8 s per million rows of five attributes, this 0.3 s."""
    dense: list = []  # constants and texts in order: '"a":"', text, '"', ',"b":', text, ''...
    sparse: list[pa.Array] = []
    for name, pg_type, values in columns:
        if values.null_count == len(values):
            continue
        key = json.dumps(name, ensure_ascii=False)
        quote = '"' if pg_type == "text" else ""
        text = _value_text(values, pg_type)
        if values.null_count:
            sparse.append(pc.binary_join_element_wise(f"{key}:{quote}", text, quote, ""))
        else:
            dense += [f"{',' if dense else ''}{key}:{quote}", text, quote]
    if dense:
        sparse.insert(0, pc.binary_join_element_wise(*_merged(dense), ""))
    if len(sparse) > 1:
        body = pc.binary_join_element_wise(*sparse, ",", null_handling="skip")
    elif sparse:  # NULL where the one attribute is NULL: an empty object there
        body = pc.fill_null(sparse[0], "")
    else:
        body = pa.array([""] * count, pa.string())
    return binary_copy.framed(body, b"\x01{", b"}")  # jsonb's version 1, then the text


def _merged(pieces: list) -> list:
    """Adjacent constants as one (fewer arguments for the join)."""
    out: list = []
    for piece in pieces:
        if isinstance(piece, str) and out and isinstance(out[-1], str):
            out[-1] += piece
        elif not isinstance(piece, str) or piece:
            out.append(piece)
    return out


def _value_text(values: pa.Array, pg_type: str) -> pa.Array:
    """Each value as JSON text, without a text's quotes."""
    if pg_type == "text":
        return _escaped(values)
    if pg_type in ("bigint", "numeric", "boolean"):
        return pc.cast(values, pa.string())  # decimal digits; true and false
    if pg_type == "double precision":
        return _doubles(binary_copy.as_double(values))
    # jsonb: lists and structs, their NULL members left out too
    stripped = [None if v is None else _strip(v) for v in values.to_pylist()]
    return pa.array([None if v is None else binary_copy.json_text(v) for v in stripped])


def _escaped(values: pa.Array) -> pa.Array:
    """Text for inside a JSON string: quotes and backslashes escaped, control characters
    as \\u00XX. Most text has none: its bytes are looked at once, without a regex."""
    text = pc.cast(values, pa.string())
    if not _may_need_escapes(text):
        return text
    text = pc.replace_substring_regex(text, r'(["\\])', r"\\\1")
    if pc.any(pc.match_substring_regex(text, f"[{_CONTROL}]")).as_py():
        for char in _CONTROL:
            text = pc.replace_substring(text, char, f"\\u{ord(char):04x}")
    return text


def _may_need_escapes(text: pa.Array) -> bool:
    """Whether the bytes behind ``text`` hold a quote, a backslash or a control character
    (UTF-8 never uses those bytes inside another character). A sliced array's buffer may
    hold more than its values: that only sends clean text down the slower path."""
    chunks = text.chunks if isinstance(text, pa.ChunkedArray) else [text]
    for chunk in chunks:
        data = chunk.buffers()[2]
        if data is None:
            continue
        raw = np.frombuffer(data, dtype=np.uint8)
        if ((raw < 0x20) | (raw == 0x22) | (raw == 0x5C)).any():
            return True
    return False


def _doubles(values: pa.Array) -> pa.Array:
    """float8out's digits (shortest round trip, Arrow's too) as JSON numbers; NaN and
    infinities as strings, as to_jsonb makes them; integers beyond 2**53 worked out here.

    Arrow, like Python, may end an integer that large on the middle of its rounding
    interval (a round-half-even parse gives the double back), which PostgreSQL's Ryu never
    does: 35970099669763968 is 3.5970099669763968e+16 to it, 3.597009966976397e+16 to Arrow.
    """
    text = pc.cast(values, pa.string())
    numbers = pc.fill_null(values, 0.0).to_numpy(zero_copy_only=False)
    own = np.flatnonzero(~(np.abs(numbers) < 2.0**53))  # NaN too
    if len(own) == 0:
        return text
    mask = np.zeros(len(numbers), dtype=bool)
    mask[own] = True
    mask &= pc.is_valid(values).to_numpy(zero_copy_only=False)
    replacements = [_big_double(float(x)) for x in numbers[mask]]
    return pc.replace_with_mask(text, pa.array(mask), pa.array(replacements, pa.string()))


def _big_double(x: float) -> str:
    """NaN, an infinity, or an integral double of at least 2**53 as float8out writes it:
    the fewest digits strictly inside its rounding interval (never on an end), nearest it,
    ties to even; as JSON text."""
    if not math.isfinite(x):
        return _NOT_FINITE[repr(x)]
    value = abs(int(x))
    mantissa, exponent = math.frexp(abs(x))
    gap = 2 ** (exponent - 53)  # to the next double up (at least 2 here)
    below = gap // 2 if mantissa == 0.5 else gap  # a power of two has a closer one below
    low, high = 2 * value - below, 2 * value + gap  # the interval's ends, doubled
    for digits in range(len(str(value)) - 1, -1, -1):  # the fewest digits first
        step = 10**digits
        whole, rest = divmod(value, step)
        inside = [c for c in (whole, whole + 1) if low < 2 * c * step < high]
        if not inside:
            continue
        if len(inside) == 2:  # both neighbours fit: the nearer, or the even one
            nearer = 2 * rest > step or (2 * rest == step and whole % 2 == 1)
            inside = [whole + 1] if nearer else [whole]
        return ("-" if x < 0 else "") + str(inside[0] * step)
    raise AssertionError("the double itself is always inside")


def _strip(value):
    """A list or struct value without NULL struct members, at any depth, as
    jsonb_strip_nulls leaves it (a list's NULL elements stay)."""
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value
