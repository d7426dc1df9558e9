"""A new or replaced layer's rows COPYed straight into its own table are the rows the
staging path writes (importers/writer.py ``own_table`` against ``staging`` + INSERT).

Every file is imported both ways (the staging path forced by ``copies_directly``) and
compared row by row: attributes as jsonb text, geometry as EWKB, name, name_search,
time, source_key, in id order; the reports and layer rows too. The jsonb encoder is also
held to PostgreSQL's own jsonb_strip_nulls(jsonb_build_object(...)) for the types no
reader makes (uint64, decimals, structs) and for a great many doubles.
"""

import json
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyogrio
import pytest
import shapely
from django.db import connection
from psycopg import sql

from importers import attributes_json, binary_copy, writer
from layers.models import Layer
from tests.importers.conftest import (
    PLACES_CSV,
    PLACES_GEOJSON,
    PROVINCES_CSV,
    PROVINCES_GEOJSON,
    PROVINCES_GPKG,
    PROVINCES_KML,
    PROVINCES_SHP,
    PYOGRIO_FIXTURES,
    SHARED,
    do_import,
)

pytestmark = pytest.mark.django_db

ENCODED = SHARED.parent / "encodings"
FILES = [
    PROVINCES_SHP,
    PROVINCES_GPKG,
    PROVINCES_KML,
    PROVINCES_CSV,
    PROVINCES_GEOJSON,
    PLACES_CSV,
    PLACES_GEOJSON,
    *sorted(PYOGRIO_FIXTURES.glob("*.gpkg")),
    *sorted(ENCODED.glob("places_*.shp")),
    ENCODED / "places_utf8.csv",
]
TEXT = ['a,"b"\nc\\d', "tab\t\x01\x1f", "", "\\N", "bản đồ 🗺️ ←→ ß", "\\u0041 'x'", None]
DOUBLES = [0.1, -0.0, 1e-7, 1.5e300, 5e-324, 35970099669763968.0, 2.0**60, 1e23,
           float("nan"), float("inf"), -float("inf"), None, 0.30000000000000004]  # fmt: skip


def _direct_calls(monkeypatch) -> list[str]:
    calls, real = [], writer.own_table

    def spy(table, layer_id, columns, conn):
        calls.append(table)
        return real(table, layer_id, columns, conn)

    monkeypatch.setattr(writer, "own_table", spy)
    return calls


def _rows(slug: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT f.attributes::text, encode(ST_AsEWKB(f.geom), 'hex'), f.name, "
            "f.name_search, f.time, f.source_key FROM layers_feature f "
            "JOIN layers_layer l ON l.id = f.layer_id WHERE l.slug = %s ORDER BY f.id",
            [slug],
        )
        return cursor.fetchall()


def _layer(slug: str) -> dict | None:
    fields = ("geometry_type", "attribute_schema", "name_attribute", "time_attribute")
    return Layer.objects.filter(slug=slug).values(*fields).first()


def _report(report) -> dict:
    body = report.as_dict()
    for varying in ("layer", "seconds", "timings"):
        body.pop(varying)
    return body


def _both_ways(monkeypatch, path, mode="create", before=None, **options):
    """The same import into ``direct`` (straight COPY) and ``staged`` (staging path);
    ``before``, when given, is imported first into both (for a replace)."""
    if before is not None:
        for slug in ("direct", "staged"):
            do_import(before, layer=slug)
    calls = _direct_calls(monkeypatch)
    direct = do_import(path, layer="direct", mode=mode, **options)
    assert len(calls) == 1  # it did go straight into the layer's own table
    with monkeypatch.context() as forced:
        forced.setattr(writer, "copies_directly", lambda *args: False)
        staged = do_import(path, layer="staged", mode=mode, **options)
    assert len(calls) == 1
    assert _report(direct) == _report(staged)
    assert _rows("direct") == _rows("staged")
    assert _layer("direct") == _layer("staged")
    return direct


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_test_file_is_stored_the_same_both_ways(monkeypatch, path):
    report = _both_ways(monkeypatch, path, partial=True)
    assert report.committed and report.imported == len(_rows("direct")) > 0


def _tricky_file(tmp_path, name="tricky.fgb"):
    """A FlatGeobuf (it keeps NaN and infinities) of tricky values of every type GDAL
    writes, one row per value."""
    rows = max(len(TEXT), len(DOUBLES))
    pick = lambda values, i: values[i % len(values)]  # noqa: E731
    doubles = [pick(DOUBLES, i) for i in range(rows)]
    columns = {
        "ten": np.array([pick(TEXT, i) for i in range(rows)], dtype=object),
        "so_thuc": np.array([np.nan if v is None else v for v in doubles]),
        "thuc32": np.array([1.1, 3.4e38, -0.5, 16777217.0] * 4)[:rows].astype(np.float32),
        "so_lon": np.array([2**63 - 1, -(2**63), 0, -1, 2**53 + 1] * 3, np.int64)[:rows],
        "so": np.arange(rows, dtype=np.int32) - 5,
        "co": np.array([True, False] * rows)[:rows],
        "ngay": np.array(["2025-01-02", None, "1900-12-31"] * rows, dtype=object)[:rows],
    }
    geoms = shapely.to_wkb(shapely.points(106.70 + np.arange(rows) / 1000, 10.77))
    path = tmp_path / name
    pyogrio.raw.write(path, geoms, list(columns.values()), list(columns), crs="EPSG:4326",
                      geometry_type="Point", driver="FlatGeobuf")  # fmt: skip
    return path


def test_tricky_values_are_stored_the_same_both_ways(monkeypatch, tmp_path):
    path = _tricky_file(tmp_path)
    _both_ways(monkeypatch, path, name_field="ten", time_field="ngay")
    doubles = [json.loads(row[0]).get("so_thuc") for row in _rows("direct")]
    assert {"Infinity", "-Infinity"} <= set(doubles)  # FlatGeobuf reads NaN as NULL
    assert 35970099669763968 in doubles  # not ...970, as Python and Arrow write it


def test_lists_and_nested_objects_are_stored_the_same_both_ways(monkeypatch, tmp_path):
    values = [[1, 2], ["a", 'b"\\'], [0.1, 1e22], None, {"x": None, "y": [None, {"z": None}]}]
    features = [
        {
            "type": "Feature",
            "properties": {"ds": v, "so": [i, i + 1], "chu": ["x", str(v)], "thuc": [0.5, i]},
            "geometry": {"type": "Point", "coordinates": [106.7 + i / 100, 10.77]},
        }
        for i, v in enumerate(values)
    ]
    path = tmp_path / "lists.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    _both_ways(monkeypatch, path)


def test_a_replace_is_stored_the_same_both_ways(monkeypatch, tmp_path):
    report = _both_ways(monkeypatch, _tricky_file(tmp_path), mode="replace", before=PLACES_CSV,
                        name_field="ten", time_field="ngay")  # fmt: skip
    assert report.committed and report.deleted > 0 and report.imported == len(DOUBLES)


def test_a_refused_import_leaves_no_layer_and_no_table(monkeypatch, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("ten,lon,lat\nTốt,106.7,10.77\nHỏng,abc,\n", encoding="utf-8")
    calls = _direct_calls(monkeypatch)
    report = do_import(path, layer="direct")
    assert calls and (report.committed, report.rejected_count, report.imported) == (False, 1, 0)
    assert _layer("direct") is None
    dry = do_import(path, layer="direct", partial=True, dry_run=True)
    assert (dry.committed, dry.imported) == (False, 1) and _layer("direct") is None
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [calls[0]])
        assert cursor.fetchone() == (None,)


def test_a_refused_replace_keeps_the_old_rows_and_schema(monkeypatch, tmp_path):
    do_import(PLACES_CSV, layer="direct")
    before, layer_before = _rows("direct"), _layer("direct")
    path = tmp_path / "bad.csv"
    path.write_text("moi,lon,lat\nTốt,106.7,10.77\nHỏng,abc,\n", encoding="utf-8")
    calls = _direct_calls(monkeypatch)
    report = do_import(path, layer="direct", mode="replace")
    assert calls and (report.committed, report.imported, report.deleted) == (False, 0, 0)
    assert (_rows("direct"), _layer("direct")) == (before, layer_before)


def test_a_keyed_import_and_an_append_keep_the_staging_path(monkeypatch):
    calls = _direct_calls(monkeypatch)
    do_import(PLACES_CSV, layer="direct", key="geonameid")
    do_import(PLACES_CSV, layer="direct", mode="replace", key="geonameid")
    do_import(PLACES_CSV, layer="direct", mode="append")
    assert calls == []


def _pg_types(column: pa.Array) -> str:
    return writer.columns_for(pa.schema([pa.field("v", column.type)]), {})[0].pg_type


def _same_as_postgresql(columns: dict[str, pa.Array]) -> None:
    """Our jsonb field against jsonb_strip_nulls(jsonb_build_object(...)) of the columns
    staged with their staging types, row by row."""
    count = len(next(iter(columns.values())))
    types = {name: _pg_types(values) for name, values in columns.items()}
    staged = [sql.SQL("{} {}").format(sql.Identifier(n), sql.SQL(t)) for n, t in types.items()]
    pairs = sql.SQL(", ").join(sql.SQL("{}, {}").format(sql.Literal(n), sql.Identifier(n))
                               for n in columns)  # fmt: skip
    encoded = attributes_json.field([(n, types[n], v) for n, v in columns.items()], count)
    fields = [binary_copy.field(v, types[n]) for n, v in columns.items()] + [encoded]
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("CREATE TEMP TABLE direct_jsonb ({}, ours jsonb)").format(
            sql.SQL(", ").join(staged)))  # fmt: skip
        with cursor.cursor.copy("COPY direct_jsonb FROM STDIN (FORMAT binary)") as copy:
            copy.write(binary_copy.HEADER + bytes(binary_copy.rows(fields)) + binary_copy.TRAILER)
        cursor.execute(
            sql.SQL(
                "SELECT ours::text, jsonb_strip_nulls(jsonb_build_object({}))::text "
                "FROM direct_jsonb"
            ).format(pairs)
        )
        rows = cursor.fetchall()
        cursor.execute("DROP TABLE direct_jsonb")
    assert len(rows) == count
    assert [ours for ours, _ in rows] == [theirs for _, theirs in rows]


def test_every_encodable_type_matches_postgresql_s_own_jsonb():
    struct = pa.struct([("a", pa.int64()), ("b", pa.list_(pa.string())), ("c", pa.float64())])
    _same_as_postgresql(
        {
            "u64": pa.array([2**64 - 1, 0, None, 10**19, 7], pa.uint64()),
            "dec": pa.array(
                [Decimal("1.10"), Decimal("-0.0001"), None, Decimal("1e20"), Decimal("3")],
                pa.decimal128(38, 4),
            ),
            "f32": pa.array([1.1, None, 3.4e38, -0.0, 1e-45], pa.float32()),
            "i8": pa.array([-128, 127, None, 0, 1], pa.int8()),
            "bool": pa.array([True, False, None, True, None]),
            "text": pa.array(["a\x7f\u2028", 'q"\\', None, "\n\r\b\f", "🗺️"]),
            "nulls": pa.nulls(5),
            "list": pa.array([[1, None, 2], [], None, [None], [3]], pa.list_(pa.int64())),
            "struct": pa.array(
                [
                    {"a": None, "b": [None, "x"], "c": 1.0},
                    None,
                    {"a": 1, "b": None, "c": None},
                    {"a": None, "b": None, "c": 0.1},
                    {"a": 2**62, "b": ["đ"], "c": 1e-7},
                ],
                struct,
            ),
            "l_struct": pa.array(
                [[{"a": None, "b": None, "c": None}], None, [], [None], None], pa.list_(struct)
            ),
            'a key "with" quotes\\': pa.array(["x", None, "y", None, ""]),
        }
    )


def test_attributes_with_a_value_on_every_row_are_joined_in_one_pass_beside_sparse_ones():
    """Columns without NULLs (the one-pass join), with some NULLs (pairs left out where
    NULL) and with none at all, in any order; text needing escapes, and text the byte
    check passes as clean (Vietnamese, a sliced array's neighbours holding a quote)."""
    behind_a_quote = pa.array(['"', "Bến Nghé", "Cần Giờ", "Thủ Đức", "Tân Định", "x"]).slice(1)
    _same_as_postgresql(
        {
            "ten": pa.array(["Bến Thành", "Sài Gòn", "Chợ Lớn", "Gò Vấp", "Củ Chi"]),
            "so": pa.array([1, 2, 3, 4, 5], pa.int64()),
            "ghi_chu": pa.array(['a "quote"', "back\\slash", "line\nbreak", "\x01", ""]),
            "thieu": pa.array([None, "có", None, "có", None]),
            "rong": pa.array([None] * 5, pa.string()),
            "lat": pa.array([10.77, -0.0, 1e-7, 3.5, 2.0**60]),
            "phuong": behind_a_quote,
            "ok": pa.array([True, False, True, True, False]),
        }
    )
    only_sparse = pa.array([None, "x", None], pa.string())
    encoded = attributes_json.field([("a", "text", only_sparse)], 3)
    assert binary_copy.rows([encoded]).tobytes() == (
        b"\x00\x01\x00\x00\x00\x03\x01{}"
        b'\x00\x01\x00\x00\x00\x0a\x01{"a":"x"}'
        b"\x00\x01\x00\x00\x00\x03\x01{}"
    )


def test_the_byte_check_finds_what_needs_escaping_and_passes_clean_text():
    assert not attributes_json._may_need_escapes(pa.array(["Phường 1", "Bến Nghé", None]))
    for dirty in ['a"b', "a\\b", "a\nb", "\x1f"]:
        assert attributes_json._may_need_escapes(pa.array(["clean", dirty]))
    sliced = pa.array(['"', "sạch"]).slice(1)  # the quote is in the buffer, not the values
    assert attributes_json._may_need_escapes(sliced)
    assert attributes_json._escaped(sliced).to_pylist() == ["sạch"]


def test_no_attributes_make_an_empty_object():
    encoded = attributes_json.field([], 3)
    assert binary_copy.rows([encoded]).tobytes() == b"\x00\x01\x00\x00\x00\x03\x01{}" * 3


def test_doubles_are_float8out_s_digits_every_one():
    rng = np.random.default_rng(7)
    bits = rng.integers(0, 2**64, 60_000, dtype=np.uint64).view(np.float64)
    big = np.ldexp(rng.uniform(0.5, 1, 60_000), rng.integers(53, 90, 60_000))
    powers = np.ldexp(1.0, np.arange(-1074, 1024))
    values = np.concatenate([bits, big, -big, powers, [float(v or 0) for v in DOUBLES]])
    _same_as_postgresql({"x": pa.array(values)})
