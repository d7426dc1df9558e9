"""Benchmark: feedback submission under load, with retries and a database restart, next to
the raw SQL floor; and the checks that no acknowledged item is lost or duplicated.

Run with ``.venv/bin/python bench/feedback.py`` after ``make run`` has loaded the demo data.
It makes a service-account key (scope ``feedback``) and draws, with a fixed seed, points
inside every current ward (``ST_GeneratePoints``) plus vertices that two wards share (where
the lowest code must win), each with the ward SQL says it is in.

Printed, all measured in this run:
  raw SQL  ``--clients`` psycopg connections, each inserting items for ``--baseline`` seconds
           with one INSERT ... SELECT that finds the ward (the same rule, over the
           ``ST_Subdivide`` pieces) and writes the item, its first timeline event and its
           idempotency record in one transaction (the floor: no HTTP, no Django); then
           those rows are deleted;
  HTTP     ``--clients`` threads posting to ``POST /api/v1/feedback/items/`` of a real
           gunicorn for ``--duration`` seconds, each report with a new Idempotency-Key; half
           of the clients are "retriers" that now and then give up after 20-200 ms (the
           server usually still creates the item) and send the same report again, with the
           same key, until it is acknowledged; every client also retries connection errors,
           5xx and 429 with backoff. With ``--restart`` (the default on the project's own
           cluster) PostgreSQL is stopped and started at half time while the clients go on.
Items/s and the latency of acknowledged requests, as ratios to the floor's. Then where a
report's time goes (``--breakdown`` reports in the benchmark's own process, after the run):
whole requests through Django's handler with the queries each makes (intake's own and the
notifications outbox's), the view's steps timed one by one, and the statement's triggers
by ``EXPLAIN ANALYZE``.

Then the checks, in SQL, independent of the app's code (exit 1 when one fails): every
acknowledged tracking code is stored (also right after the restart, for those acknowledged
before it); one item per key (the key's items, its idempotency records and the keys that
reached the server agree, and every acknowledgement and replay of a key names the same
item); every item's ward is the current ward whose full polygon covers its stored point
(lowest code on a border), and its point is the one sent. The bench's items (events,
records) are deleted and its key revoked at the end unless ``--keep``.

The benchmark's pieces are in ``bench/_feedback/``, one module a job.
"""

import argparse
import os
import resource
import subprocess
import threading
import time

import _common
import psycopg
import requests
from _common import gunicorn
from _feedback.breakdown import breakdown
from _feedback.checks import check
from _feedback.clients import Ledger, client
from _feedback.floor import DELETE_BASELINE, baseline
from _feedback.report import print_figures
from _feedback.restart import Restart, local_cluster_url, restart_database, same_database
from _feedback.samples import Sample, sample_points
from django.db import connection

from apikeys.keys import create_key, revoke
from feedback.models import FeedbackItem


def run(
    url: str, args: argparse.Namespace, samples: list[Sample], raw_key: str, restart: bool
) -> tuple[Ledger, Restart, float]:
    """The clients against a fresh gunicorn (and the restart, if asked for): (what they were
    told, what the restart did, the share of a core the clients took)."""
    ledger, report, server = Ledger(), Restart(), {}
    try:
        threads = {"GUNICORN_CMD_ARGS": f"--threads {args.threads}"} if args.threads > 1 else {}
        with gunicorn(args.workers, env=threads) as (base, master):
            server["master"] = master
            items_url = f"{base}/api/v1/feedback/items/"
            with requests.Session() as warm:  # every worker imports the API before the clock
                for _ in range(args.workers * 3):
                    warm.get(f"{base}/api/v1/feedback/categories/", timeout=10)
            cpu = resource.getrusage(resource.RUSAGE_SELF)
            t0 = time.monotonic()
            end, hard_end = t0 + args.duration, t0 + args.duration + args.drain
            threads = [
                threading.Thread(
                    target=client,
                    args=(n, items_url, raw_key, samples, ledger, t0, end, hard_end),
                    kwargs={"retrier": n % 2 == 1, "seed": args.seed},
                )
                for n in range(args.clients)
            ]
            if restart:
                threads.append(
                    threading.Thread(
                        target=restart_database, args=(url, ledger, t0, args.duration / 2, report)
                    )
                )
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = time.monotonic() - t0
            after = resource.getrusage(resource.RUSAGE_SELF)
    except subprocess.TimeoutExpired:  # a worker still finishing a request a client gave up
        if "master" not in server or "after" not in locals():
            raise  # it did not start, or the run did not finish: no figures to show
        server["master"].wait(timeout=60)  # on: gunicorn's graceful timeout is 30 s
    cpu_seconds = after.ru_utime - cpu.ru_utime + after.ru_stime - cpu.ru_stime
    return ledger, report, cpu_seconds / wall


def main() -> None:
    cores = os.cpu_count() or 1
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (50)")
    parser.add_argument("--duration", type=float, default=60, help="seconds of load (60)")
    parser.add_argument("--baseline", type=float, default=20, help="seconds of the floor (20)")
    parser.add_argument("--drain", type=float, default=60, help="seconds to finish reports (60)")
    parser.add_argument(
        "--workers", type=int, default=2 * cores + 1, help=f"gunicorn workers ({2 * cores + 1})"
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="threads per gunicorn worker (1: sync workers, as `make run`; more: gthread)",
    )
    parser.add_argument("--points", type=int, default=4000, help="sample points (4000)")
    parser.add_argument("--seed", type=int, default=20251, help="seed of the points")
    parser.add_argument(
        "--restart",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="restart PostgreSQL at half time (default: when it is the project's cluster)",
    )
    parser.add_argument(
        "--breakdown",
        type=int,
        default=100,
        help="reports timed step by step in process, and counted (100; 0: skip)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the items and the key")
    args = parser.parse_args()

    url = _common.database_url()
    local = local_cluster_url()
    is_local = local is not None and same_database(url, local)
    restart = is_local if args.restart is None else args.restart
    if restart and not is_local:
        print("note: no restart: DATABASE_URL is not the project's cluster (scripts/db.sh url)")
        restart = False
    elif not restart:
        print("note: no restart (--no-restart)")

    with psycopg.connect(url, options="-c jit=off") as conn:
        samples = sample_points(conn, args.points, args.seed)
    if any(s.ward is None for s in samples):
        raise SystemExit("a sample point is outside every ward (SQL)")
    key, raw_key = create_key("bench-feedback", ["feedback"])
    scope = f"key:{key.prefix}"
    print(
        f"Feedback submission: {args.clients} clients ({args.clients // 2} retrying with short "
        f"timeouts), gunicorn {args.workers} workers"
        + (f" x {args.threads} threads" if args.threads > 1 else "")
        + f", {len(samples):,} points in "
        f"{len({s.ward for s in samples})} wards ({sum(s.on_border for s in samples)} on shared "
        f"borders), key {key.prefix}" + (", PostgreSQL restarted at half time" if restart else "")
    )

    try:
        floor, floor_ids = baseline(url, samples, args.clients, args.baseline, key.id, args.seed)
        with psycopg.connect(url) as conn, conn.transaction():
            for statement in DELETE_BASELINE:
                conn.execute(statement, {"ids": floor_ids})
        connection.close()  # the restart would break it; Django reconnects when next needed

        ledger, report, client_cpu = run(url, args, samples, raw_key, restart)
        print_figures(args, floor, ledger, report if restart else None, client_cpu)
        checks = check(url, key.id, scope, ledger, report if restart else None)
        print("checks:")
        for ok, text in checks:
            print(f"  {'PASS' if ok else 'FAIL'}  {text}")
        if args.breakdown > 0:  # its own key and items, made and removed by it
            breakdown(samples, args.breakdown, args.seed)
    finally:
        connection.close()
        if args.keep:
            print(f"kept: the items of key {key.prefix} (idempotency scope {scope}), key active")
        else:  # the floor's rows too, if it stopped half-way; events and records cascade
            FeedbackItem.objects.filter(api_key_id=key.id).delete()
            revoke(key.prefix)
    if not all(ok for ok, _ in checks):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
