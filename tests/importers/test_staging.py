"""The staging COPY (binary format, written from a thread) keeps every value as it was.

Rows go to PostgreSQL in its binary COPY format (importers/binary_copy.py); these tests
hold it to what CSV text gave before: the same values read back for every staged type,
the same EWKB as GEOS writes, tricky text untouched, and a failure mid-COPY leaving the
connection usable.
"""

import io
import json
import math
import unicodedata
from datetime import UTC, date, datetime, time
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv
import pyogrio.raw
import pytest
import shapely
from django.db import connection
from psycopg import sql

from importers import binary_copy, geometry
from layers.models import Feature, Layer

pytestmark = pytest.mark.django_db

TRICKY = [
    'a,"b"\nc\\d',  # comma, quotes, newline, backslash
    "Cho\u0302\u0301 Be\u0302\u0300n Tha\u0300nh",  # decomposed: stored as NFC
    "",  # empty, not NULL
    "\\N",  # COPY text's NULL marker, as text
    "NULL",
    "tab\there; semi;colon 'single'",
    "bản đồ 🗺️ ←→ ß",
]


def _geojson(tmp_path, features: list[dict]):
    path = tmp_path / "rows.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def _point(i: int) -> dict:
    return {"type": "Point", "coordinates": [106.70 + i / 1000, 10.77 + i / 1000]}


def test_tricky_values_come_through_unchanged(importer, tmp_path):
    # Values GDAL types the same in any GeoJSON: integers, lists of text.
    values = [
        {"ma": f"K{i}", "ten": text, "so": n, "thuc": x, "co": flag, "ds": items, "ngay": day}
        for i, (text, n, x, flag, items, day) in enumerate(
            zip(
                TRICKY,
                [2**40, -(2**31) - 1, 0, None, 2**31, -1, 7],
                [0.1, -2.5, None, 1e-7, 123456789.125, 0.30000000000000004, 3.5],
                [True, False, None, True, False, True, False],
                [["1", "2"], ["a", 'b,"c'], None, [], ["x\ny"], ["\\"], ["đ"]],
                ["2025-01-02", "2025/01/03 10:20", None, "2025-01-04T05:06:07+09:00", "", None, ""],
                strict=True,
            )
        )
    ]
    path = _geojson(
        tmp_path,
        [{"type": "Feature", "properties": v, "geometry": _point(i)} for i, v in enumerate(values)],
    )
    report = importer(path, layer="tricky", name_field="ten", time_field="ngay", key="ma")
    assert (report.imported, report.rejected_count) == (7, 0)

    stored = {f.source_key: f for f in Feature.objects.filter(layer__slug="tricky")}
    for i, v in enumerate(values):
        feature = stored[v["ma"]]
        expected = {k: x for k, x in v.items() if x is not None}
        expected["ten"] = unicodedata.normalize("NFC", v["ten"])
        assert feature.attributes == expected
        assert {k: type(x) for k, x in feature.attributes.items()} == {
            k: type(x) for k, x in expected.items()
        }
        assert feature.name == " ".join(expected["ten"].split())[:300]
        assert (feature.geom.x, feature.geom.y) == tuple(_point(i)["coordinates"])
    assert stored["K1"].name_search == "cho ben thanh"
    assert stored["K0"].time == datetime(2025, 1, 1, 17, tzinfo=UTC)
    assert stored["K1"].time == datetime(2025, 1, 3, 3, 20, tzinfo=UTC)
    assert stored["K3"].time == datetime(2025, 1, 3, 20, 6, 7, tzinfo=UTC)
    assert stored["K2"].time is None and stored["K4"].time is None


def test_typed_geopackage_fields_keep_their_values(importer, tmp_path):
    path = tmp_path / "typed.gpkg"
    points = shapely.points([106.70, 106.71, 106.72], [10.77, 10.78, 10.79])
    pyogrio.raw.write(
        path,
        geometry=np.array(shapely.to_wkb(points), dtype=object),
        field_data=[
            np.array([0.1, 1.5e-5, -1.5], dtype=np.float32),
            np.array([-32768, 32767, 0], dtype=np.int16),
            np.array([True, False, True]),
            np.array([2**63 - 1, -(2**63), 1], dtype=np.int64),
            np.array(["2025-01-01", "1999-12-31", "0001-01-01"], dtype="datetime64[D]"),
        ],
        fields=["f32", "i16", "b", "i64", "d"],
        geometry_type="Point",
        crs="EPSG:4326",
        driver="GPKG",
    )
    importer(path, layer="typed")
    schema = {f["name"]: f["type"] for f in Layer.objects.get(slug="typed").attribute_schema}
    assert schema == {
        "f32": "number",
        "i16": "integer",
        "b": "boolean",
        "i64": "integer",
        "d": "date",
    }
    rows = [f.attributes for f in Feature.objects.filter(layer__slug="typed").order_by("id")]
    # A float32 keeps its shortest decimal (0.1), not the double it widens to.
    assert rows == [
        {"f32": 0.1, "i16": -32768, "b": True, "i64": 2**63 - 1, "d": "2025-01-01"},
        {"f32": 1.5e-5, "i16": 32767, "b": False, "i64": -(2**63), "d": "1999-12-31"},
        {"f32": -1.5, "i16": 0, "b": True, "i64": 1, "d": "0001-01-01"},
    ]


# Every staged type, with the values that are hard to carry: as Arrow's CSV wrote them, the
# text PostgreSQL read before the binary format.
STAGED = {
    "bigint": [
        pa.array([-(2**63), 2**63 - 1, None, 0], pa.int64()),
        pa.array([-128, 127, None, 0], pa.int8()),
        pa.array([0, 2**32 - 1, None, 7], pa.uint32()),
    ],
    "numeric": [pa.array([0, 10_000, 2**64 - 1, None], pa.uint64())],
    "double precision": [
        pa.array([0.1, -0.0, 1e308, 5e-324], pa.float64()),
        pa.array([math.nan, math.inf, -math.inf, None], pa.float64()),
        pa.array([0.1, 3.4e38, None, -1.5], pa.float32()),
        pa.array([Decimal("1.10"), Decimal("-0.01"), None, Decimal("123456789.123")]),
    ],
    "boolean": [pa.array([True, False, None, True])],
    "date": [
        pa.array([date(2000, 1, 1), date(1, 1, 1), date(9999, 12, 31), None]),
        pa.array([date(1970, 1, 1), None, date(2025, 6, 30), date(1999, 12, 31)], pa.date64()),
    ],
    "timestamptz": [
        pa.array([datetime(2025, 1, 2, 3, 4, 5, 6), None, datetime(1900, 1, 1), datetime(1, 1, 1)]),
        pa.array(
            [datetime(2025, 1, 2, 3, 4, 5, 6, tzinfo=UTC), None] * 2,
            pa.timestamp("us", "UTC"),
        ),
    ],
    "jsonb": [
        pa.array([[1, 2], None, [], [3]]),
        pa.array([{"a": 'x,"y"'}, None, {"a": "\\"}, {"a": None}]),
    ],
    "text": [
        pa.array([*TRICKY[:3], None]),
        pa.array([*TRICKY[3:6], None], pa.large_string()),
        pa.array([date(2025, 1, 2), None, date(1, 1, 1), date(2000, 2, 29)]),
        pa.array([time(10, 1, 2, 345000), None, time(0), time(23, 59, 59)], pa.time32("ms")),
        pa.nulls(4),
    ],
}


def _copy(table: str, body: bytes, binary: bool) -> None:
    statement = sql.SQL("COPY {} FROM STDIN (FORMAT {})").format(
        sql.Identifier(table), sql.SQL("binary" if binary else "csv")
    )
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        copy.write(body)


@pytest.mark.parametrize("pg_type", list(STAGED))
def test_binary_fields_read_back_as_their_csv_text(pg_type):
    arrays = STAGED[pg_type]
    columns = ", ".join(f"c{i} {pg_type}" for i in range(len(arrays)))
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE staged_csv ({columns})")
        cursor.execute(f"CREATE TEMP TABLE staged_binary ({columns})")
    # The reference: Arrow's CSV (lists and structs as JSON text, as the writer made them).
    texts = {
        f"c{i}": (
            pa.array([None if v is None else json.dumps(v) for v in a.to_pylist()], pa.string())
            if pg_type == "jsonb"
            else a
        )
        for i, a in enumerate(arrays)
    }
    csv = io.BytesIO()
    pcsv.write_csv(pa.table(texts), csv, pcsv.WriteOptions(include_header=False))
    _copy("staged_csv", csv.getvalue(), binary=False)
    body = binary_copy.rows([binary_copy.field(a, pg_type) for a in arrays])
    _copy("staged_binary", binary_copy.HEADER + bytes(body) + binary_copy.TRAILER, binary=True)
    with connection.cursor() as cursor:
        # Text of each value, and -0 told from 0 (equal as numbers).
        query = "SELECT ARRAY[{}] FROM {} ORDER BY ctid".format(
            ", ".join(f"c{i}::text" for i in range(len(arrays))), "{}"
        )
        cursor.execute(query.format("staged_csv"))
        expected = cursor.fetchall()
        cursor.execute(query.format("staged_binary"))
        assert cursor.fetchall() == expected
    assert len(expected) == 4


GEOMETRIES = [
    "POINT (106.7 10.77)",
    "POINT (-0.0 1e-300)",
    "MULTIPOINT ((1 2), (3 4))",
    "LINESTRING (1 2, 3 4, 5 6)",
    "MULTILINESTRING ((1 2, 3 4), (5 6, 7 8))",
    "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 2 3, 3 3, 2 2))",
    "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 5)))",
]


@pytest.mark.parametrize("only_points", [True, False])
def test_ewkb_is_what_geos_writes_with_the_srid(only_points):
    geoms = shapely.from_wkt(GEOMETRIES[:2] if only_points else GEOMETRIES)
    fields = binary_copy.ewkb_field(geoms, 4326).to_pylist()
    expected = shapely.to_wkb(shapely.set_srid(geoms, 4326), include_srid=True)
    assert [f[4:] for f in fields] == list(expected)
    assert [int.from_bytes(f[:4], "big") for f in fields] == [len(e) for e in expected]
    with connection.cursor() as cursor:  # and PostGIS reads it back byte for byte
        cursor.execute(
            "SELECT array_agg(ST_AsEWKB(ST_GeomFromEWKB(g)) = g) FROM unnest(%s::bytea[]) g",
            [[f[4:] for f in fields]],
        )
        assert cursor.fetchone()[0] == [True] * len(fields)


def test_a_failure_while_copying_leaves_the_connection_usable(importer, monkeypatch, tmp_path):
    path = _geojson(tmp_path, [{"type": "Feature", "properties": {"n": 1}, "geometry": _point(1)}])
    calls = []

    def failing_check(*args, **kwargs):
        calls.append(1)
        raise RuntimeError("checking failed")

    monkeypatch.setattr(geometry, "check", failing_check)
    with pytest.raises(RuntimeError, match="checking failed"):
        importer(path, layer="broken")
    assert calls == [1]
    assert not Layer.objects.filter(slug="broken").exists()
    monkeypatch.undo()
    assert importer(path, layer="broken").imported == 1
