"""Benchmark: a whole layer as GeoJSON through the export API, next to the raw SQL floor
and a plain djangorestframework-gis serializer.

Run with ``.venv/bin/python bench/features.py`` after ``make run`` has loaded the demo data.
The set-up makes, once, the imported layer ``bench-points``: 200,000 points (``--points``)
drawn with a fixed seed (``ST_GeneratePoints``) inside the current wards, 40 % of them within
about 9 km of Bến Thành, in one INSERT ... SELECT; and two layers of a quarter and half as
many for the memory check. Later runs reuse them; ``--drop`` removes them.

Printed, all measured in this run, for the 168 current wards and for the points:
  raw SQL      json_agg(ST_AsGeoJSON(t.*)) over psycopg, the whole document fetched to the
               client (the floor: no HTTP, no Django, nothing streamed);
  export SQL   the API's own query (layers.features.feature_sql) read through a server-side
               cursor over psycopg: what PostgreSQL costs the API before Python and HTTP;
  API          GET /api/v1/layers/{slug}/export/ from a real gunicorn (one worker), the
               stream read to its end, gzipped (as browsers, GDAL and requests ask) and not;
  serializer   a plain GeoFeatureModelSerializer over the same rows, rendered with DRF's
               JSONRenderer in a child process (what a ListAPIView would do, less HTTP);
  raw peer     for the wards, a pg_featureserv-like bare WSGI handler over psycopg under
               gunicorn (bench/_features/peer.py) running the API's own statement: what a
               request costs without Django (the API's answer is checked against it).
Peak memory is how far a process's private memory rose above its resting size during one
export (VmHWM, reset through /proc/PID/clear_refs before it): the gunicorn worker or the
serializer's process ("app"), and the PostgreSQL backend serving it ("postgres"); then the
same for growing layers. The API's answer is checked against the raw SQL's: a fast wrong
answer is not a result.

The benchmark's pieces are in ``bench/_features/``, one module a job.
"""

import argparse
import time

from _common import GUNICORN, database_url, gunicorn, row
from _features.checks import check
from _features.exports import APP_NAME, RAW_POINTS, RAW_WARDS, Server, peer_settings, run_ways
from _features.peer import peer_server
from _features.points import connect, current_generation, drop_bench_layers, ensure_points, slug_for
from _features.report import mb, print_export
from _features.serializer import serializer_child
from _features.ways import Export
from django.utils import timezone

from layers.models import AdministrativeArea, Layer

WARDS_QUERY = {"level": "ward"}
WARD_RUNS = 10  # times --repeats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=200_000, help="points (default 200000)")
    parser.add_argument("--repeats", type=int, default=3, help="runs; the best counts")
    parser.add_argument(
        "--serializer-repeats",
        type=int,
        default=1,
        help="serializer runs over the points, the best counts (default 1: a run is long)",
    )
    parser.add_argument("--drop", action="store_true", help="remove the benchmark's layers")
    parser.add_argument(
        "--peer-port", type=int, default=18210, help="the raw peer's port (default 18210)"
    )
    parser.add_argument("--serializer-child", metavar="SLUG", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.points < 1000 or args.repeats < 1 or args.serializer_repeats < 1:
        parser.error("--points must be at least 1000, the repeats at least 1")

    if args.serializer_child:
        serializer_child(args.serializer_child, args.repeats)
        return
    if args.drop:
        drop_bench_layers()
        return

    generation = current_generation()
    sizes = sorted({args.points // 4, args.points // 2, args.points})
    start = time.perf_counter()
    with connect() as conn:
        made = [n for n in sizes if ensure_points(conn, slug_for(n, args.points), n, generation.id)]
        if made:  # statistics for the planner (a sample: quick however big the table)
            conn.execute("ANALYZE layers_feature")
    layers = ", ".join(f"{slug_for(n, args.points)} ({n:,})" for n in sizes)
    setup = f"made {len(made)} in {time.perf_counter() - start:.1f} s" if made else "reused"
    print(f"Export benchmark: generation {generation.slug}; layers {layers}: {setup}")
    print(
        f"best of {args.repeats} runs (wards: {args.repeats * WARD_RUNS}; the serializer over "
        f"points: {args.serializer_repeats}); MB: peak private memory above the process's "
        "resting size"
    )

    wards = Export(
        "wards (areas?level=ward)",
        "areas",
        AdministrativeArea.objects.filter(generation=generation, level="ward").count(),
        WARDS_QUERY,
        RAW_WARDS,
        {"today": timezone.localdate()},
        "code",
        # A few milliseconds an export: more runs, or the best is only the least disturbed.
        args.repeats * WARD_RUNS,
    )
    points = [
        Export(
            f"points ({slug_for(n, args.points)})",
            slug_for(n, args.points),
            n,
            {},
            RAW_POINTS,
            {"layer": Layer.objects.get(slug=slug_for(n, args.points)).id},
            "id",
            args.serializer_repeats,
        )
        for n in sizes
    ]
    problems, growth = [], []
    # One worker, one database session kept for the whole run (CONN_MAX_AGE).
    server_env = {"PGAPPNAME": APP_NAME, "DATABASE_CONN_MAX_AGE": "600"}
    peer_env = {"PEER_DATABASE_URL": database_url(), **peer_settings(wards)}
    with (
        gunicorn(workers=1, env=server_env) as (url, master),
        peer_server(str(GUNICORN), args.peer_port, peer_env) as peer_url,
    ):
        server = Server(url, master, points[0].slug)
        # Smallest first (see Watched): the wards, then the points layers as they grow.
        for job in [wards, *points]:
            full = job is wards or job is points[-1]
            repeats = job.serializer_repeats if job is wards else args.repeats
            peer = peer_url if job is wards else None
            ways = run_ways(job, server, repeats, full, peer)
            if full:
                print_export(job, ways)
            if job is wards:
                empty = server.empty_export(repeats)
                print(
                    f"  an export that matches no feature takes {empty * 1000:.1f} ms through "
                    f"HTTP, the raw SQL of all {job.count} wards "
                    f"{ways['raw'].seconds * 1000:.1f} ms"
                )
            if job is not wards:
                growth.append((job, ways))
            problems += check(job, ways)

    print("\nmemory as the layer grows: peak MB above the resting size (the API gzipped)")
    row("", "API worker", "API postgres", "raw SQL postgres", "serializer", width=16, cell=18)
    for job, ways in growth:
        row(
            f"{job.count:,} points",
            mb(ways["api"].app_mb),
            mb(ways["api"].postgres_mb),
            mb(ways["raw"].postgres_mb),
            mb(ways["serializer"].app_mb),
            width=16,
            cell=18,
        )
    checked = ", ".join(f"{job.count:,}" for job in [wards, *points])
    if problems:
        print("correctness: the exports differ")
        for problem in problems:
            print(f"  {problem}")
        raise SystemExit(1)
    print(
        f"correctness ({checked} features): the API and the raw SQL give the same ids, and "
        "for a sample the same properties and coordinates (to 1e-7); the export SQL and the "
        "serializer give as many features"
    )


if __name__ == "__main__":
    main()
