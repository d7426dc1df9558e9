"""Benchmark: "which ward am I in?" through HTTP, next to the raw SQL floor.

Run with ``make bench`` (or ``.venv/bin/python bench/lookup.py``) after ``make run`` has
loaded the demo data. Points are drawn inside the current generation's wards with a fixed
seed (``ST_GeneratePoints``), so every run asks the same questions.

Printed, all measured in this run:
  single   GET /api/v1/lookup/ one point per request, vs one raw ST_Contains query per point
           over a kept-open psycopg connection (the floor: no HTTP, no Django);
  batch    POST /api/v1/lookup/ with 10,000 points, vs the naive raw SQL (one join of the
           points against the full ward polygons) and vs the project's own lookup SQL run
           directly (what the API adds on top of its query).
The HTTP answers are checked against the naive SQL's: a fast wrong answer is not a result.
"""

import argparse
import time

import _common
import psycopg
import requests
from _common import best_of, percentile, row, serve

from layers.models import BoundaryGeneration
from layers.sql import load_sql

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
    return [(round(x, 7), round(y, 7)) for x, y in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--single", type=int, default=1000, help="single lookups (default 1000)")
    parser.add_argument("--batch", type=int, default=10_000, help="points per batch (max 10000)")
    parser.add_argument("--repeats", type=int, default=5, help="batch runs; the best counts")
    args = parser.parse_args()

    generation = BoundaryGeneration.objects.get(valid_to__isnull=True)
    day = generation.valid_from.isoformat()
    # The same session settings as the app (no JIT: see geoportal/settings.py).
    with psycopg.connect(_common.database_url(), options="-c jit=off") as conn:
        points = sample_points(conn, generation.id, max(args.single, args.batch))
        singles, batch = points[: args.single], points[: args.batch]

        print(f"Lookup benchmark: generation {generation.slug}, {len(points)} sample points")
        row("", "per second", "p50 ms", "p95 ms", "vs floor")

        # Single lookups, the floor first: one query per point on an open connection.
        sql_latencies, sql_codes = [], []
        for lon, lat in singles:
            start = time.perf_counter()
            hit = conn.execute(NAIVE_ONE, {"gen": generation.id, "lon": lon, "lat": lat})
            sql_codes.append(hit.fetchone()[0])
            sql_latencies.append(time.perf_counter() - start)

        with serve(workers=2) as url, requests.Session() as http:
            http_latencies, http_codes = [], []
            for lon, lat in singles:
                start = time.perf_counter()
                answer = http.get(
                    f"{url}/api/v1/lookup/",
                    params={"lon": lon, "lat": lat, "date": day},
                    timeout=10,
                )
                http_latencies.append(time.perf_counter() - start)
                http_codes.append(answer.json()["area"]["code"])

            sql_rate = len(singles) / sum(sql_latencies)
            http_rate = len(singles) / sum(http_latencies)
            print(f"single point, {len(singles)} sequential lookups")
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

            # Batches: naive SQL floor, the project's SQL alone, then the whole API.
            params = {
                "gen": generation.id,
                "lons": [p[0] for p in batch],
                "lats": [p[1] for p in batch],
                "day": generation.valid_from,
            }
            naive_s, naive = best_of(
                args.repeats, lambda: conn.execute(NAIVE_BATCH, params).fetchall()
            )
            ours_s, ours = best_of(
                args.repeats,
                lambda: conn.execute(load_sql("lookup_points"), params).fetchall(),
            )

            def post() -> dict:
                answer = http.post(
                    f"{url}/api/v1/lookup/", params={"date": day}, json=batch, timeout=60
                )
                answer.raise_for_status()
                return answer.json()

            http_s, posted = best_of(args.repeats, post)

        print(f"batch of {len(batch)} points, best of {args.repeats}")
        row("", "points/s", "seconds", "", "vs naive SQL")
        for label, seconds in (
            ("raw SQL, naive join on full polygons", naive_s),
            ("raw SQL, lookup_points.sql (subdivided)", ours_s),
            ("HTTP POST /api/v1/lookup/", http_s),
        ):
            row(
                label,
                f"{len(batch) / seconds:,.0f}",
                f"{seconds:.3f}",
                "",
                f"{seconds / naive_s:.2f}x",
            )

    expected_single = sql_codes
    wrong_single = sum(a != b for a, b in zip(http_codes, expected_single, strict=True))
    expected_batch = [code for _, code in naive]
    got_batch = [r["area"]["code"] if r["area"] else None for r in posted["results"]]
    got_sql = [r[4] for r in ours]
    wrong_batch = sum(a != b for a, b in zip(got_batch, expected_batch, strict=True))
    wrong_sql = sum(a != b for a, b in zip(got_sql, expected_batch, strict=True))
    print(
        f"correctness: single {len(singles) - wrong_single}/{len(singles)}, "
        f"batch {len(batch) - wrong_batch}/{len(batch)}, "
        f"lookup SQL {len(batch) - wrong_sql}/{len(batch)} agree with the naive SQL"
    )
    if wrong_single or wrong_batch or wrong_sql:
        raise SystemExit("lookup answers differ from the naive SQL")


if __name__ == "__main__":
    main()
