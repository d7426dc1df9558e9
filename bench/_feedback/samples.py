"""What the benchmark reports: sample points inside every current ward and on borders two
wards share, each with the ward SQL says covers it, and the body a report sends.
"""

import json
import secrets
from dataclasses import dataclass

import psycopg

CATEGORY = "den-duong"
DESCRIPTION = "Đèn đường không sáng (bench {key})"

# Points inside each current ward, and vertices shared by two wards, each with the ward
# that covers it (full polygons, lowest code first): the answer the app must give.
POINTS_SQL = """
WITH wards AS (
    SELECT a.code, a.geom FROM layers_administrativearea AS a
    JOIN layers_boundarygeneration AS g ON g.id = a.generation_id
    WHERE g.valid_to IS NULL AND a.level = 'ward'
), inside AS (
    SELECT p.geom FROM wards AS w,
         LATERAL ST_Dump(ST_GeneratePoints(w.geom, %(per_ward)s, %(seed)s)) AS p
), vertices AS (
    SELECT w.code, ST_X(d.geom) AS x, ST_Y(d.geom) AS y
    FROM wards AS w, LATERAL ST_DumpPoints(w.geom) AS d
), border AS (
    SELECT ST_SetSRID(ST_MakePoint(x, y), 4326) AS geom
    FROM (SELECT x, y FROM vertices GROUP BY x, y HAVING count(DISTINCT code) > 1) AS shared
    ORDER BY md5(x::text || ',' || y::text) LIMIT %(border)s
), points AS (
    SELECT geom, false AS on_border FROM inside
    UNION ALL
    SELECT geom, true FROM border
)
SELECT ST_X(p.geom), ST_Y(p.geom), p.on_border,
       (SELECT w.code FROM wards AS w WHERE ST_Covers(w.geom, p.geom) ORDER BY w.code LIMIT 1)
FROM points AS p
"""


@dataclass(frozen=True)
class Sample:
    """A point to report and the ward SQL says covers it."""

    lon: float
    lat: float
    on_border: bool
    ward: str


def sample_points(conn: psycopg.Connection, n: int, seed: int) -> list[Sample]:
    """About ``n`` points: 95 % spread evenly over the wards, the rest on shared borders."""
    wards = conn.execute(
        "SELECT count(*) FROM layers_administrativearea AS a "
        "JOIN layers_boundarygeneration AS g ON g.id = a.generation_id "
        "WHERE g.valid_to IS NULL AND a.level = 'ward'"
    ).fetchone()[0]
    if not wards:
        raise SystemExit("no current wards: run `make demo` first")
    per_ward = max(1, round(n * 0.95 / wards))
    border = max(0, n - per_ward * wards)
    rows = conn.execute(
        POINTS_SQL, {"per_ward": per_ward, "seed": seed, "border": border}
    ).fetchall()
    return [Sample(x, y, on_border, ward) for x, y, on_border, ward in rows]


def report_body(key: str, sample: Sample) -> bytes:
    """The JSON a report sends, byte for byte the same on every retry."""
    return json.dumps(
        {
            "category": CATEGORY,
            "description": DESCRIPTION.format(key=key[:8]),
            "location": {"lon": sample.lon, "lat": sample.lat},
        }
    ).encode()


def tracking_code() -> str:
    """A tracking code in the app's format, for the floor's rows."""
    chars = "".join(secrets.choice("0123456789ABCDEFGHJKMNPQRSTVWXYZ") for _ in range(8))
    return f"HCM-{chars[:4]}-{chars[4:]}"
