"""Benchmark: "which ward am I in?" through HTTP, next to the raw SQL floor.

Run with ``make bench`` (or ``.venv/bin/python bench/lookup.py``) after ``make run`` has
loaded the demo data. Points are drawn inside the current generation's wards with a fixed
seed (``ST_GeneratePoints``), so every run asks the same questions.

Printed, all measured in this run:
  single   GET /api/v1/lookup/ one point per request, vs one raw ST_Contains query per point
           over a kept-open psycopg connection (the floor: no HTTP, no Django);
  batch    POST /api/v1/lookup/ with 10,000 points, vs the naive raw SQL (one join of the
           points against the full ward polygons) and vs the project's own lookup SQL run
           directly (what the API adds on top of its query), on two shape sets: the demo
           wards, and detailed wards with thousands of vertices each that the benchmark
           draws from them (``_lookup/detailed.py``, a generation valid in 2000 only;
           removed after the run unless ``--keep``; ``--drop`` removes a kept one).
The HTTP answers are checked against the naive SQL's: a fast wrong answer is not a result.
"""

import argparse
import time

import _common
import psycopg
import requests
from _common import percentile, row, serve
from _lookup import detailed

from layers.lookup import resolve_points
from layers.models import BoundaryGeneration
from layers.wards import with_ward_rule

NAIVE_ONE = """
SELECT a.code FROM layers_administrativearea a
WHERE a.generation_id = %(gen)s AND a.level = 'ward'
  AND ST_Contains(a.geom, ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326))
ORDER BY a.code LIMIT 1
"""

NAIVE_BATCH = """
SELECT t.ord, (SELECT a.code FROM layers_administrativearea a
               WHERE a.generation_id = %(gen)s AND a.level = 'ward'
                 AND ST_Contains(a.geom, ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326))
               ORDER BY a.code LIMIT 1)
FROM unnest(%(lons)s::float8[], %(lats)s::float8[]) WITH ORDINALITY AS t (lon, lat, ord)
ORDER BY t.ord
"""


def sample_points(conn: psycopg.Connection, generation: int, n: int) -> list[tuple[float, float]]:
    """``n`` points inside the generation's wards, spread by area, the same on every run."""
    rows = conn.execute(
        """
        SELECT ST_X(p.geom), ST_Y(p.geom)
        FROM (SELECT ST_Union(geom) AS geom FROM layers_administrativearea
              WHERE generation_id = %s AND level = 'ward') AS city,
             LATERAL ST_Dump(ST_GeneratePoints(city.geom, %s, 20251)) AS p
        """,
        (generation, n),
    ).fetchall()
    return [(round(x, 7), round(y, 7)) for x, y in rows][:n]


def single(conn, http, url, generation, points) -> int:
    """Sequential single lookups, raw SQL then HTTP; returns how many answers differ."""
    day = generation.valid_from.isoformat()
    sql_latencies, sql_codes = [], []
    for lon, lat in points:
        start = time.perf_counter()
        hit = conn.execute(NAIVE_ONE, {"gen": generation.id, "lon": lon, "lat": lat})
        sql_codes.append(hit.fetchone()[0])
        sql_latencies.append(time.perf_counter() - start)
    http_latencies, http_codes = [], []
    for lon, lat in points:
        start = time.perf_counter()
        answer = http.get(
            f"{url}/api/v1/lookup/", params={"lon": lon, "lat": lat, "date": day}, timeout=10
        )
        http_latencies.append(time.perf_counter() - start)
        http_codes.append(answer.json()["area"]["code"])
    sql_rate = len(points) / sum(sql_latencies)
    http_rate = len(points) / sum(http_latencies)
    print(f"single point, {len(points)} sequential lookups ({generation.slug})")
    row("", "per second", "p50 ms", "p95 ms", "vs floor")
    for label, rate, latencies in (
        ("raw SQL ST_Contains, one query a point", sql_rate, sql_latencies),
        ("HTTP GET /api/v1/lookup/", http_rate, http_latencies),
    ):
        row(
            label,
            f"{rate:,.0f}",
            f"{percentile(latencies, 0.5) * 1000:.2f}",
            f"{percentile(latencies, 0.95) * 1000:.2f}",
            f"{sql_rate / rate:.2f}x",
        )
    wrong = sum(a != b for a, b in zip(http_codes, sql_codes, strict=True))
    print(f"  correctness: {len(points) - wrong}/{len(points)} agree with the raw SQL")
    return wrong


NAIVE = "raw SQL, naive join on full polygons"
OURS_SQL = "raw SQL, lookup_points.sql (subdivided)"
OURS = "layers.lookup.resolve_points, in process"
HTTP = "HTTP POST /api/v1/lookup/"
SHORT = {OURS_SQL: "lookup SQL", OURS: "resolve_points", HTTP: "HTTP"}


def codes_of(conn: psycopg.Connection, area_ids: list[int | None]) -> list[str | None]:
    """The codes of the areas ``lookup_points.sql`` answered with (ids)."""
    codes = dict(conn.execute("SELECT id, code FROM layers_administrativearea").fetchall())
    return [codes.get(i) for i in area_ids]


def batch(conn, http, url, generation, points, repeats) -> tuple[int, float]:
    """One batch table, the ways taking turns; returns (answers that differ, HTTP's ratio)."""
    params = {
        "gen": generation.id,
        "lons": [p[0] for p in points],
        "lats": [p[1] for p in points],
        "day": generation.valid_from,
    }
    lookup_sql = with_ward_rule("lookup_points")

    def post() -> dict:
        answer = http.post(
            f"{url}/api/v1/lookup/",
            params={"date": generation.valid_from.isoformat()},
            json=points,
            timeout=120,
        )
        answer.raise_for_status()
        return answer.json()

    ways = {
        NAIVE: lambda: conn.execute(NAIVE_BATCH, params).fetchall(),
        OURS_SQL: lambda: conn.execute(lookup_sql, params).fetchone(),
        OURS: lambda: resolve_points(points, generation.valid_from),
        HTTP: post,
    }
    # Turns, not one way after the other: the machine's load drifts and every way meets it.
    best = dict.fromkeys(ways, float("inf"))
    answers: dict = {}
    for _ in range(repeats):
        for label, way in ways.items():
            start = time.perf_counter()
            answers[label] = way()
            best[label] = min(best[label], time.perf_counter() - start)
    naive_s = best[NAIVE]
    row("", "points/s", "seconds", "", "vs naive SQL")
    for label, seconds in best.items():
        row(
            label,
            f"{len(points) / seconds:,.0f}",
            f"{seconds:.3f}",
            "",
            f"{seconds / naive_s:.2f}x",
        )

    expected = [code for _, code in answers[NAIVE]]
    got = {
        OURS_SQL: codes_of(conn, answers[OURS_SQL][-1]),
        OURS: [r.area.code if r.area else None for r in answers[OURS][1]],
        HTTP: [r["area"]["code"] if r["area"] else None for r in answers[HTTP]["results"]],
    }
    wrong = {k: sum(a != b for a, b in zip(v, expected, strict=True)) for k, v in got.items()}
    print(
        "  correctness: "
        + ", ".join(f"{SHORT[k]} {len(points) - n}/{len(points)}" for k, n in wrong.items())
        + f" agree with the naive SQL ({sum(c is None for c in expected)} points outside"
        " every ward)"
    )
    return sum(wrong.values()), best[HTTP] / naive_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--single", type=int, default=1000, help="single lookups (default 1000)")
    parser.add_argument("--batch", type=int, default=10_000, help="points per batch (max 10000)")
    parser.add_argument("--repeats", type=int, default=5, help="batch runs; the best counts")
    parser.add_argument(
        "--spacing", type=float, default=6.0, help="detailed wards: metres between vertices (6)"
    )
    parser.add_argument(
        "--amplitude", type=float, default=30.0, help="detailed wards: largest wiggle in m (30)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the detailed wards for reuse")
    parser.add_argument("--drop", action="store_true", help="only remove kept detailed wards")
    args = parser.parse_args()
    if args.drop:
        print("removed" if detailed.drop() else "nothing to remove", detailed.SLUG)
        return

    current = BoundaryGeneration.objects.get(valid_to__isnull=True)
    start = time.perf_counter()
    made = detailed.make(current, args.spacing, args.amplitude)
    made_s = time.perf_counter() - start
    wrong, ratios = 0, {}
    try:
        # The same session settings as the app (no JIT: see geoportal/settings.py).
        with psycopg.connect(_common.database_url(), options="-c jit=off") as conn:
            points = sample_points(conn, current.id, max(args.single, args.batch))
            print(f"Lookup benchmark: {len(points)} sample points in generation {current.slug}")
            print(f"detailed wards {detailed.SLUG} ready in {made_s:.1f} s")
            sets = [detailed.describe(current), detailed.describe(made)]
            for shapes in sets:
                print(
                    f"  {shapes.generation.slug}: {shapes.wards} wards, vertices per ward "
                    f"{shapes.vertices_avg:,} on average ({shapes.vertices_min:,}-"
                    f"{shapes.vertices_max:,}), {shapes.pieces:,} lookup pieces"
                )
            with serve(workers=2) as url, requests.Session() as http:
                if args.single:
                    wrong += single(conn, http, url, current, points[: args.single])
                for shapes in sets:
                    gen = shapes.generation
                    print(f"batch of {args.batch} points, best of {args.repeats}: {gen.slug}")
                    bad, ratios[gen.slug] = batch(
                        conn, http, url, gen, points[: args.batch], args.repeats
                    )
                    wrong += bad
    finally:
        if not args.keep:
            detailed.drop()
    print(
        "HTTP batch vs naive SQL: "
        + ", ".join(f"{slug} {ratio:.2f}x" for slug, ratio in ratios.items())
        + " (aim: at most 1.5x on both)"
    )
    if wrong:
        raise SystemExit("lookup answers differ from the naive SQL")


if __name__ == "__main__":
    main()
