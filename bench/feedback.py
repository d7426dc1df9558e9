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
Items/s and the latency of acknowledged requests, as ratios to the floor's.

Then the checks, in SQL, independent of the app's code (exit 1 when one fails): every
acknowledged tracking code is stored (also right after the restart, for those acknowledged
before it); one item per key (the key's items, its idempotency records and the keys that
reached the server agree, and every acknowledgement and replay of a key names the same
item); every item's ward is the current ward whose full polygon covers its stored point
(lowest code on a border), and its point is the one sent. The bench's items (events,
records) are deleted and its key revoked at the end unless ``--keep``.
"""

import argparse
import hashlib
import json
import math
import os
import random
import resource
import secrets
import subprocess
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import _common
import psycopg
import requests
from _common import ROOT, gunicorn, percentile, row
from django.db import connection

from apikeys.keys import create_key, revoke
from feedback.models import FeedbackCategory, FeedbackItem
from layers.models import LEVEL_RANK, AreaLevel

CATEGORY = "den-duong"
DESCRIPTION = "Đèn đường không sáng (bench {key})"
SHORT_SHARE = 0.3  # of a retrier's attempts, sent with a short client timeout
SHORT_TIMEOUT = (0.02, 0.2)  # seconds
LONG_TIMEOUT = 30.0  # every other attempt
REPLAY_SHARE = 0.1  # of a retrier's acknowledged reports, sent once more to check the replay
BACKOFF = (0.05, 2.0)  # first and longest wait after a connection error, 5xx or 429
GRACE = 2.0  # seconds after the database is back that still count as the restart
OUTCOMES = ("created", "replayed", "short-timeout", "timeout", "connection", "5xx", "429", "4xx")

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

# The floor: the ward found over the subdivided pieces, then the item, its first event and
# its idempotency record, as one statement (one transaction), as a hand-written service would.
BASELINE_INSERT = """
WITH ward AS (
    SELECT a.id FROM layers_areasubdivision AS s
    JOIN layers_administrativearea AS a ON a.id = s.area_id
    JOIN layers_boundarygeneration AS g ON g.id = s.generation_id
    WHERE g.valid_to IS NULL AND a.level = 'ward' AND s.level_rank = %(rank)s
      AND ST_Covers(s.geom, ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326))
    ORDER BY a.code LIMIT 1
), item AS (
    INSERT INTO feedback_feedbackitem (
        tracking_code, category_id, description, channel, geom, address_text, ward_id, status,
        rejection_reason, reporter_name, reporter_phone, reporter_email, api_key_id,
        created_at, updated_at, deadline_at, rating_comment)
    SELECT %(code)s, %(category)s, %(description)s, 'app',
           ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326), '', ward.id, 'received',
           '', '', '', '', %(api_key)s,
           now(), now(), now() + %(deadline_hours)s * interval '1 hour', ''
    FROM ward
    RETURNING id
), event AS (
    INSERT INTO feedback_feedbackevent (item_id, at, actor_role, from_status, to_status, note)
    SELECT id, now(), 'resident', '', 'received', '' FROM item
)
INSERT INTO feedback_idempotencyrecord (scope, key, fingerprint, item_id, created_at)
SELECT %(scope)s, %(key)s, %(fingerprint)s, id, now() FROM item
RETURNING item_id
"""

DELETE_BASELINE = [
    "DELETE FROM feedback_feedbackevent WHERE item_id = ANY(%(ids)s)",
    "DELETE FROM feedback_idempotencyrecord WHERE item_id = ANY(%(ids)s)",
    "DELETE FROM feedback_feedbackitem WHERE id = ANY(%(ids)s)",
]

# The checks' view of the bench key's items: the stored point, the ward the item holds, and
# the ward SQL finds for that point over the full polygons (lowest code on a border).
ITEMS_SQL = """
SELECT i.id, i.tracking_code, ST_X(i.geom), ST_Y(i.geom), w.code,
       (SELECT c.code FROM layers_administrativearea AS c
        JOIN layers_boundarygeneration AS g ON g.id = c.generation_id
        WHERE g.valid_to IS NULL AND c.level = 'ward' AND ST_Covers(c.geom, i.geom)
        ORDER BY c.code LIMIT 1),
       (SELECT count(*) FROM feedback_feedbackevent AS e WHERE e.item_id = i.id)
FROM feedback_feedbackitem AS i
JOIN layers_administrativearea AS w ON w.id = i.ward_id
WHERE i.api_key_id = %s
"""

RECORDS_SQL = "SELECT key, item_id FROM feedback_idempotencyrecord WHERE scope = %s"
FOUND_SQL = "SELECT tracking_code FROM feedback_feedbackitem WHERE tracking_code = ANY(%s)"


@dataclass(frozen=True)
class Sample:
    """A point to report and the ward SQL says covers it."""

    lon: float
    lat: float
    on_border: bool
    ward: str


@dataclass
class Attempt:
    """One request: when (seconds since the run's start), how long, and what came back."""

    at: float
    seconds: float
    outcome: str  # one of OUTCOMES
    short: bool

    @property
    def done(self) -> float:
        """When the answer came (or the client gave up), since the run's start."""
        return self.at + self.seconds


@dataclass
class Ledger:
    """What the clients sent and were told, shared by their threads."""

    sent: dict[str, Sample] = field(default_factory=dict)
    acked: dict[str, tuple[str, float]] = field(default_factory=dict)  # key -> (code, at)
    first_sent: dict[str, float] = field(default_factory=dict)
    never: set[str] = field(default_factory=set)
    attempts: list[Attempt] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # answers that contradict the contract
    refusals: list[str] = field(default_factory=list)  # 4xx: the report given up
    server_errors: list[tuple[Attempt, str]] = field(default_factory=list)
    replays_checked: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def acknowledge(self, key: str, status: int, headers, body: dict, at: float) -> str:
        """Record an acknowledgement; note anything that contradicts an earlier one."""
        code = body.get("tracking_code")
        ward = (body.get("ward") or {}).get("code")
        with self.lock:
            earlier = self.acked.get(key)
            if status == 200 and headers.get("Idempotent-Replayed") != "true":
                self.problems.append(f"{key}: 200 without Idempotent-Replayed: true")
            if earlier is not None:
                self.replays_checked += 1
                if status == 201:
                    self.problems.append(f"{key}: 201 again after {earlier[0]} (now {code})")
                if code != earlier[0]:
                    self.problems.append(f"{key}: acknowledged as {earlier[0]}, then as {code}")
            else:
                self.acked[key] = (code, at)
            if ward != self.sent[key].ward:
                self.problems.append(
                    f"{key} ({code}): the answer's ward is {ward}, SQL says {self.sent[key].ward}"
                )
        return code


@dataclass
class Restart:
    """What happened while PostgreSQL was restarted."""

    began: float = math.nan  # seconds since the run's start
    stop_seconds: float = math.nan
    start_seconds: float = math.nan
    away: float = math.nan  # from the stop command to the first new connection
    acked_before: int = 0
    found_after: int = 0
    error: str = ""

    def window(self) -> tuple[float, float] | None:
        """From the stop to ``GRACE`` seconds after the first new connection, if it ran."""
        if self.error or math.isnan(self.away):
            return None
        return self.began, self.began + self.away + GRACE

    def during(self, attempt: Attempt) -> bool:
        """Whether the attempt was under way at some time in the restart's window."""
        window = self.window()
        return window is not None and attempt.at <= window[1] and attempt.done >= window[0]


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


def baseline(
    url: str, samples: list[Sample], clients: int, seconds: float, api_key: int, seed: int
) -> tuple[list[float], list[int]]:
    """The floor: ``clients`` connections inserting for ``seconds``; (latencies of the
    inserts acknowledged in time, ids of every row made)."""
    category = FeedbackCategory.objects.get(code=CATEGORY)
    latencies: list[float] = []
    ids: list[int] = []
    failures: list[str] = []
    ready, lock = threading.Barrier(clients + 1), threading.Lock()
    start_at: list[float] = []

    def work(number: int) -> None:
        rng = random.Random(seed * 1000 + number)
        mine, made = [], []
        with psycopg.connect(url, options="-c jit=off", autocommit=True) as conn:
            ready.wait()
            end = start_at[0] + seconds
            while time.monotonic() < end:
                sample, key = rng.choice(samples), str(uuid.uuid4())
                params = {
                    "rank": LEVEL_RANK[AreaLevel.WARD],
                    "lon": sample.lon,
                    "lat": sample.lat,
                    "code": tracking_code(),
                    "category": category.id,
                    "description": DESCRIPTION.format(key=key[:8]),
                    "api_key": api_key,
                    "deadline_hours": category.deadline_hours,
                    "scope": f"bench-baseline:{api_key}",
                    "key": key,
                    "fingerprint": hashlib.sha256(report_body(key, sample)).hexdigest(),
                }
                began = time.monotonic()
                try:
                    item = conn.execute(BASELINE_INSERT, params).fetchone()
                except psycopg.errors.UniqueViolation:  # a tracking code taken: draw again
                    continue
                done = time.monotonic()
                if item is None:  # outside every piece: the floor disagrees with SQL
                    failures.append(f"the floor found no ward for {sample}")
                    break
                made.append(item[0])
                if done <= end:
                    mine.append(done - began)
        with lock:
            latencies.extend(mine)
            ids.extend(made)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    start_at.append(time.monotonic() + 0.05)
    ready.wait()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(failures[0])
    return latencies, ids


def gist(answer: requests.Response) -> str:
    """The status and the reason of an error answer, in one short line."""
    text = answer.text
    if "<title>" in text:  # Django's own HTML error page
        text = text.split("<title>", 1)[1].split("</title>", 1)[0]
    return f"{answer.status_code} {' '.join(text.split())[:200]}"


def post(http: requests.Session, url: str, key: str, body: bytes, timeout: float, t0: float):
    """One attempt: (Attempt, response or None)."""
    began = time.monotonic()
    try:
        answer = http.post(url, data=body, headers={"Idempotency-Key": key}, timeout=timeout)
    except requests.Timeout:
        return Attempt(began - t0, time.monotonic() - began, "timeout", False), None
    except requests.ConnectionError:
        return Attempt(began - t0, time.monotonic() - began, "connection", False), None
    seconds = time.monotonic() - began
    status = answer.status_code
    if status in (200, 201):
        outcome = "created" if status == 201 else "replayed"
    elif status >= 500 or status == 429:
        outcome = "5xx" if status >= 500 else "429"
    else:
        outcome = "4xx"
    return Attempt(began - t0, seconds, outcome, False), answer


def client(
    number: int,
    url: str,
    raw_key: str,
    samples: list[Sample],
    ledger: Ledger,
    t0: float,
    end: float,
    hard_end: float,
    retrier: bool,
    seed: int,
) -> None:
    """Send new reports until ``end``; each one until acknowledged (or ``hard_end``)."""
    rng = random.Random(seed * 1000 + 500 + number)
    attempts: list[Attempt] = []
    with requests.Session() as http:
        http.headers.update({"X-Api-Key": raw_key, "Content-Type": "application/json"})
        while time.monotonic() < end:
            sample, key = rng.choice(samples), str(uuid.uuid4())
            body = report_body(key, sample)
            with ledger.lock:
                ledger.sent[key] = sample
                ledger.first_sent[key] = time.monotonic() - t0
            acked = False
            backoff = BACKOFF[0]
            while time.monotonic() < hard_end:
                short = retrier and rng.random() < SHORT_SHARE
                timeout = rng.uniform(*SHORT_TIMEOUT) if short else LONG_TIMEOUT
                attempt, answer = post(http, url, key, body, timeout, t0)
                attempt.short = short
                if attempt.outcome == "timeout" and short:
                    attempt.outcome = "short-timeout"
                attempts.append(attempt)
                if attempt.outcome in ("created", "replayed"):
                    ledger.acknowledge(
                        key, answer.status_code, answer.headers, answer.json(), attempt.done
                    )
                    acked = True
                    break
                if attempt.outcome == "short-timeout":
                    continue  # the impatient client sends it again at once
                if attempt.outcome == "4xx":
                    with ledger.lock:
                        ledger.refusals.append(f"{key}: {gist(answer)}")
                    break
                if attempt.outcome == "5xx":
                    with ledger.lock:
                        ledger.server_errors.append((attempt, gist(answer)))
                time.sleep(backoff * rng.uniform(0.5, 1.0))
                backoff = min(backoff * 2, BACKOFF[1])
            if not acked:
                with ledger.lock:
                    ledger.never.add(key)
                continue
            if retrier and rng.random() < REPLAY_SHARE:
                attempt, answer = post(http, url, key, body, LONG_TIMEOUT, t0)
                attempts.append(attempt)
                if attempt.outcome in ("created", "replayed"):
                    ledger.acknowledge(
                        key, answer.status_code, answer.headers, answer.json(), attempt.done
                    )
    with ledger.lock:
        ledger.attempts.extend(attempts)


def local_cluster_url() -> str | None:
    """The URL of the project's own cluster (``scripts/db.sh url``), or None."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    done = subprocess.run(
        [ROOT / "scripts" / "db.sh", "url"], env=env, capture_output=True, text=True, check=False
    )
    return done.stdout.strip() or None


def same_database(a: str, b: str) -> bool:
    """Whether two postgres URLs name the same database (host, port, name, user)."""
    pa, pb = urlsplit(a), urlsplit(b)
    return (pa.hostname, pa.port, pa.path, pa.username) == (
        pb.hostname,
        pb.port,
        pb.path,
        pb.username,
    )


def restart_database(url: str, ledger: Ledger, t0: float, at: float, report: Restart) -> None:
    """At ``at`` seconds into the run: ``scripts/db.sh stop`` then ``start`` (the local
    cluster; DATABASE_URL must not reach the script, which would then leave it alone), wait
    for the first new connection, and count the items acknowledged before that are there."""
    time.sleep(max(0.0, t0 + at - time.monotonic()))
    with ledger.lock:
        before = [code for code, _ in ledger.acked.values()]
    report.acked_before = len(before)
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    script = ROOT / "scripts" / "db.sh"
    began = time.monotonic()
    report.began = began - t0
    try:
        subprocess.run([script, "stop"], env=env, check=True, capture_output=True)
        stopped = time.monotonic()
        subprocess.run([script, "start"], env=env, check=True, capture_output=True)
        started = time.monotonic()
    except subprocess.CalledProcessError as error:
        report.error = f"{error.cmd}: exit {error.returncode}: {error.stderr.decode()[-300:]}"
        return
    report.stop_seconds, report.start_seconds = stopped - began, started - stopped
    while True:
        try:
            conn = psycopg.connect(url, connect_timeout=2)
            break
        except psycopg.OperationalError:
            time.sleep(0.05)
    report.away = time.monotonic() - began
    with conn:
        report.found_after = len(conn.execute(FOUND_SQL, (before,)).fetchall())


def run(
    url: str, args: argparse.Namespace, samples: list[Sample], raw_key: str, restart: bool
) -> tuple[Ledger, Restart, float]:
    """The clients against a fresh gunicorn (and the restart, if asked for): (what they were
    told, what the restart did, the share of a core the clients took)."""
    ledger, report = Ledger(), Restart()
    with gunicorn(args.workers) as (base, _master):
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
    cpu_seconds = after.ru_utime - cpu.ru_utime + after.ru_stime - cpu.ru_stime
    return ledger, report, cpu_seconds / wall


def latency_cells(latencies: list[float]) -> list[str]:
    """p50, p95, p99 in milliseconds."""
    if not latencies:
        return ["-", "-", "-"]
    return [f"{percentile(latencies, q) * 1000:.1f}" for q in (0.5, 0.95, 0.99)]


def print_figures(
    args: argparse.Namespace,
    floor: list[float],
    ledger: Ledger,
    report: Restart | None,
    client_cpu: float,
) -> None:
    """Items/s and latencies next to the floor's, what the requests met, and the restart."""
    window = report.window() if report else None
    acknowledged = [a for a in ledger.attempts if a.outcome in ("created", "replayed")]
    in_time = [a for a in acknowledged if a.done <= args.duration]
    first_acks = [at for _, at in ledger.acked.values() if at <= args.duration]
    floor_rate, floor_p95 = len(floor) / args.baseline, percentile(floor, 0.95)
    lines = [
        ("raw SQL INSERT ... SELECT (floor)", len(floor), args.baseline, floor),
        (
            "HTTP POST /api/v1/feedback/items/",
            len(first_acks),
            args.duration,
            [a.seconds for a in in_time],
        ),
    ]
    if window:
        lines.append(
            (
                "HTTP, outside the restart window",
                sum(not window[0] <= at <= window[1] for at in first_acks),
                args.duration - (window[1] - window[0]),
                [a.seconds for a in in_time if not report.during(a)],
            )
        )
    print(
        f"{args.clients} concurrent clients; the floor ran {args.baseline:g} s, "
        f"HTTP {args.duration:g} s"
    )
    cells = ("items", "items/s", "p50 ms", "p95 ms", "p99 ms", "/s vs floor", "p95 vs floor")
    row("", *cells, width=36, cell=13)
    for label, count, seconds, latencies in lines:
        rate = count / seconds
        p95 = percentile(latencies, 0.95) if latencies else math.nan
        row(
            label,
            f"{count:,}",
            f"{rate:,.1f}",
            *latency_cells(latencies),
            f"{rate / floor_rate:.2f}x",
            f"{p95 / floor_p95:.1f}x",
            width=36,
            cell=13,
        )
    print("  (latency: acknowledged requests only, timed-out attempts left out)")

    outcomes = Counter(a.outcome for a in ledger.attempts)
    print(
        f"requests sent {len(ledger.attempts):,} (incl. retries): "
        + ", ".join(f"{name} {outcomes[name]:,}" for name in OUTCOMES)
    )
    to_ack = [at - ledger.first_sent[key] for key, (_, at) in ledger.acked.items()]
    if to_ack:
        print(
            f"reports: {len(ledger.sent):,} keys sent, {len(ledger.acked):,} acknowledged, "
            f"{len(ledger.never):,} never; first send to acknowledgement p50 "
            f"{percentile(to_ack, 0.5) * 1000:.0f} ms, p95 {percentile(to_ack, 0.95) * 1000:.0f}"
            f" ms, max {max(to_ack):.1f} s; {ledger.replays_checked:,} acknowledged reports "
            f"sent again; the clients took {client_cpu:.0%} of a core"
        )
    if report is None:
        return
    if report.error:
        print(f"restart: FAILED: {report.error}")
        return
    failed = Counter(
        a.outcome
        for a in ledger.attempts
        if report.during(a) and a.outcome in ("connection", "timeout", "5xx", "429")
    )
    print(
        f"restart at {report.began:.1f} s: the database was away {report.away:.1f} s (stop "
        f"{report.stop_seconds:.1f} s, start {report.start_seconds:.1f} s); "
        f"{sum(failed.values())} requests failed meanwhile (under way between the stop and "
        f"{GRACE:g} s after it was back: "
        f"{', '.join(f'{k} {v}' for k, v in sorted(failed.items())) or 'none'})"
    )


def check(
    url: str, api_key: int, scope: str, ledger: Ledger, report: Restart | None
) -> list[tuple[bool, str]]:
    """The correctness checks, against the database: (passed, what was found) each."""
    with psycopg.connect(url, options="-c jit=off") as conn:
        items = {i[0]: i for i in conn.execute(ITEMS_SQL, (api_key,)).fetchall()}
        record_of = dict(conn.execute(RECORDS_SQL, (scope,)).fetchall())  # key -> item id
    codes = {i[1] for i in items.values()}
    acked = {key: code for key, (code, _) in ledger.acked.items()}
    checks = []

    missing = [code for code in acked.values() if code not in codes]
    checks.append(
        (
            not missing,
            f"every acknowledged item is stored: {len(acked) - len(missing):,}/{len(acked):,}"
            + (f"; missing {missing[:5]}" if missing else ""),
        )
    )
    if report is not None:
        checks.append(
            (
                not report.error and report.found_after == report.acked_before,
                "acknowledged before the restart, stored right after it: "
                f"{report.found_after:,}/{report.acked_before:,}",
            )
        )

    # One item per key: as many items as records as keys that reached the server (the
    # acknowledged ones, and the never-acknowledged ones the server did take).
    reached = set(acked) | (set(record_of) & ledger.never)
    per_item = Counter(record_of.values())
    orphans = [i for i in items if per_item[i] != 1]
    strangers = set(record_of) - set(ledger.sent)
    dangling = [key for key, item in record_of.items() if item not in items]
    checks.append(
        (
            len(items) == len(record_of) == len(reached) and not (orphans or strangers or dangling),
            f"one item per key: {len(items):,} items, {len(record_of):,} idempotency records, "
            f"{len(reached):,} keys reached the server"
            + (f"; {len(orphans)} items without exactly one record" if orphans else "")
            + (f"; {len(strangers)} records of keys never sent" if strangers else "")
            + (f"; {len(dangling)} records of other items" if dangling else ""),
        )
    )
    disagree = [
        key for key, code in acked.items() if items.get(record_of.get(key), (0, None))[1] != code
    ]
    checks.append(
        (
            not disagree and not ledger.problems,
            "each acknowledged key's record is the acknowledged item: "
            f"{len(acked) - len(disagree):,}/{len(acked):,}; answers contradicting an earlier "
            f"one, or the SQL ward: {len(ledger.problems)} "
            f"(of {ledger.replays_checked:,} repeats)"
            + (f": {ledger.problems[:3]}" if ledger.problems else ""),
        )
    )

    wrong = [(i[1], i[4], i[5]) for i in items.values() if i[4] != i[5]]
    sent = {item: ledger.sent[key] for key, item in record_of.items() if key in ledger.sent}
    moved = [i for i, s in sent.items() if i in items and (s.lon, s.lat) != items[i][2:4]]
    border = sum(s.on_border for i, s in sent.items() if i in items)
    checks.append(
        (
            not wrong and not moved,
            f"every item's ward is SQL's for its stored point: {len(items) - len(wrong):,}/"
            f"{len(items):,} ({border:,} on shared borders); points as sent: "
            f"{len(sent) - len(moved):,}/{len(sent):,}"
            + (f"; (code, ward, SQL's) {wrong[:5]}" if wrong else ""),
        )
    )
    no_event = [i[1] for i in items.values() if i[6] != 1]
    checks.append(
        (
            not no_event,
            f"every item has one timeline event: {len(items) - len(no_event):,}/{len(items):,}",
        )
    )
    checks.append(
        (
            not ledger.refusals,
            f"no report refused (4xx): {len(ledger.refusals)}"
            + (f": {ledger.refusals[:3]}" if ledger.refusals else ""),
        )
    )
    checks.append(
        (
            not ledger.never,
            f"every report acknowledged before the drain ended: {len(ledger.never)} not",
        )
    )
    calm = [
        f"{text} (sent at {a.at:.1f} s, answered at {a.done:.1f} s)"
        for a, text in ledger.server_errors
        if not (report and report.during(a))
    ]
    checks.append(
        (
            not calm,
            f"no server error outside the restart window: {len(calm)}"
            + (f": {calm[:3]}" if calm else ""),
        )
    )
    return checks


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
    parser.add_argument("--points", type=int, default=4000, help="sample points (4000)")
    parser.add_argument("--seed", type=int, default=20251, help="seed of the points")
    parser.add_argument(
        "--restart",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="restart PostgreSQL at half time (default: when it is the project's cluster)",
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
        f"timeouts), gunicorn {args.workers} workers, {len(samples):,} points in "
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
