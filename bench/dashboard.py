"""Benchmark: the leaders' dashboard (all wards, all measures, one month) over the
pre-aggregated facts, next to the naive GROUP BY over the raw rows, the raw computation and
a bare aggregate over the facts table, all measured in the same run.

Run with ``.venv/bin/python bench/dashboard.py [--items 20000]`` after ``make run`` has
loaded the demo boundaries (the defaults run in well under 2 minutes). The issue's sizes:
``--items 2000000 --ratings 1000000 --skip-raw --keep`` (the raw computation takes minutes
there; writing the rows, triggers included, takes tens of minutes: ``--keep`` leaves them for
the next run with the same ``--items``, which times them without writing again). It writes
``--items`` synthetic feedback items (description "(bench dashboard)") spread over the
``--months`` months before this one, near the label points of today's wards: 70 % resolved,
``--ratings`` of those rated, 5 % resolved, reopened and resolved again; each with its
timeline events.
The facts (``dashboard_itemfact``) are filled by the triggers as the rows are written.
Then it times, best of ``--repeats``, the month before this one:

  naive GROUP BY   one statement over feedback_feedbackitem grouped by the stored ward_id
                   (counts, on-time, percentiles, open/overdue, mean rating): the floor of
                   the raw rows, without the ward rule or the event log;
  raw compute      ``dashboard.measures.compute_raw``: the rule on every item's point, the
                   status at the month's end from the event log (the reference);
  facts GROUP BY   one statement over dashboard_itemfact grouped by area_id (the same
                   measures, no group mapping, no Python): the floor of the fast path;
  compute()        ``dashboard.measures.compute``, the fast path, in this process;
  HTTP             ``GET /api/v1/dashboard/?period=...`` of a real gunicorn, as a leader;
  one write        an UPDATE of one item's resolution (its trigger recomputes its facts).

It checks that the fast path equals the raw computation row for row (when measured), and
that the city totals of the naive statement agree on received and resolved; exit 1
otherwise. It deletes its rows and its user at the end.
"""

import argparse
import importlib
import secrets
import sys
import time
from dataclasses import asdict
from datetime import timedelta

import _common  # noqa: F401  (sets Django up first)
import requests
from _common import best_of, row, serve
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import User
from django.db import connection
from django.utils import timezone

from dashboard.groups import generation_named
from dashboard.measures import compute, compute_raw
from dashboard.periods import parse_period
from feedback.models import FeedbackCategory, FeedbackItem

MARK = "(bench dashboard)"
INSERT_ITEMS = """
WITH wards AS (
    SELECT row_number() OVER (ORDER BY a.code) AS ord, a.id, a.label_point
    FROM layers_administrativearea AS a
    WHERE a.generation_id = %(generation)s AND a.level = 'ward' AND a.label_point IS NOT NULL
), drawn AS (
    SELECT n, random() AS r,
           %(start)s::timestamptz + random() * (%(stop)s::timestamptz - %(start)s) AS created,
           random() * 240 AS hours
    FROM generate_series(1, %(items)s) AS n
)
INSERT INTO feedback_feedbackitem (
    tracking_code, category_id, description, channel, geom, address_text, ward_id, status,
    rejection_reason, reporter_name, reporter_phone, reporter_email, created_at, updated_at,
    deadline_at, resolved_at, rating, rating_comment, rated_at, consent_notice_version,
    consent_purpose, paused_seconds)
SELECT 'BD' || lpad(d.n::text, 10, '0'), %(category)s, %(mark)s, 'app',
       ST_SetSRID(ST_MakePoint(ST_X(w.label_point) + (random() - 0.5) * 0.004,
                               ST_Y(w.label_point) + (random() - 0.5) * 0.004), 4326),
       '', w.id, CASE WHEN d.r < 0.7 THEN 'resolved' ELSE 'received' END,
       '', '', '', '', d.created, d.created, d.created + interval '72 hours',
       CASE WHEN d.r < 0.7 THEN d.created + d.hours * interval '1 hour' END,
       CASE WHEN d.r < %(rated)s THEN 1 + (d.n %% 5) END, '',
       CASE WHEN d.r < %(rated)s THEN d.created + (d.hours + 24) * interval '1 hour' END,
       '', '', 0
FROM drawn AS d
JOIN wards AS w ON w.ord = 1 + d.n %% (SELECT count(*) FROM wards)
"""
# One statement, so the facts' trigger runs once for all the events. Items with a short
# code ending in 0-4 of every hundred (5 %) of the resolved ones are resolved, reopened and
# resolved again.
INSERT_EVENTS = """
WITH bench AS (
    SELECT id, created_at, resolved_at,
           resolved_at IS NOT NULL AND right(tracking_code, 2)::int < 5 AS reopened
    FROM feedback_feedbackitem WHERE description = %(mark)s
)
INSERT INTO feedback_feedbackevent (item_id, at, actor_role, from_status, to_status, note,
                                    internal_note)
SELECT id, created_at, 'resident', '', 'received', '', '' FROM bench
UNION ALL
SELECT id, created_at + (resolved_at - created_at) / 2, 'ward_staff', 'received', 'resolved',
       '', '' FROM bench WHERE reopened
UNION ALL
SELECT id, created_at + (resolved_at - created_at) * 3 / 4, 'resident', 'resolved',
       'in_progress', '', '' FROM bench WHERE reopened
UNION ALL
SELECT id, resolved_at, 'ward_staff', CASE WHEN reopened THEN 'in_progress' ELSE 'received'
       END, 'resolved', '', '' FROM bench WHERE resolved_at IS NOT NULL
"""
NAIVE = """
SELECT ward_id,
       count(*) FILTER (WHERE created_at >= %(start)s) AS received,
       count(*) FILTER (WHERE resolved_at >= %(start)s AND resolved_at < %(stop)s) AS resolved,
       count(*) FILTER (WHERE resolved_at >= %(start)s AND resolved_at < %(stop)s
                          AND resolved_at <= deadline_at) AS on_time,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY resolved_at - created_at)
           FILTER (WHERE resolved_at >= %(start)s AND resolved_at < %(stop)s) AS median,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY resolved_at - created_at)
           FILTER (WHERE resolved_at >= %(start)s AND resolved_at < %(stop)s) AS p90,
       count(*) FILTER (WHERE status IN ('received', 'accepted', 'in_progress')) AS open_now,
       count(*) FILTER (WHERE status IN ('received', 'accepted', 'in_progress')
                          AND deadline_at < %(stop)s) AS overdue_now,
       avg(rating) FILTER (WHERE rated_at >= %(start)s AND rated_at < %(stop)s) AS rating
FROM feedback_feedbackitem
WHERE created_at < %(stop)s
GROUP BY ROLLUP (ward_id)
"""
FACTS = """
SELECT area_id,
       count(*) FILTER (WHERE created_at >= %(start)s) AS received,
       count(*) FILTER (WHERE resolved_at >= %(start)s AND resolved_at < %(stop)s) AS resolved,
       count(*) FILTER (WHERE resolved_at >= %(start)s AND resolved_at < %(stop)s
                          AND resolved_at <= deadline_at) AS on_time,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY resolved_at - created_at)
           FILTER (WHERE resolved_at >= %(start)s AND resolved_at < %(stop)s) AS median,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY resolved_at - created_at)
           FILTER (WHERE resolved_at >= %(start)s AND resolved_at < %(stop)s) AS p90,
       count(*) FILTER (WHERE open_spans @> %(stop)s::timestamptz) AS open_now,
       count(*) FILTER (WHERE open_spans @> %(stop)s::timestamptz
                          AND deadline_at < %(stop)s) AS overdue_now,
       count(*) FILTER (WHERE reopens && tstzrange(%(start)s, %(stop)s)) AS reopened,
       avg(rating) FILTER (WHERE rated_at >= %(start)s AND rated_at < %(stop)s) AS rating
FROM dashboard_itemfact
WHERE generation_id = %(generation)s AND created_at < %(stop)s
  AND (created_at >= %(start)s
       OR (resolved_at >= %(start)s AND resolved_at < %(stop)s)
       OR (rated_at >= %(start)s AND rated_at < %(stop)s)
       OR reopens && tstzrange(%(start)s, %(stop)s)
       OR open_spans @> %(stop)s::timestamptz)
GROUP BY ROLLUP (area_id)
"""
ONE_WRITE = """
UPDATE feedback_feedbackitem SET resolved_at = resolved_at + interval '1 second'
WHERE id = (SELECT min(id) FROM feedback_feedbackitem
            WHERE description = %(mark)s AND resolved_at IS NOT NULL)
"""
CLEAN = [
    "DELETE FROM feedback_feedbackevent WHERE item_id IN "
    "(SELECT id FROM feedback_feedbackitem WHERE description = %(mark)s)",
    "DELETE FROM feedback_feedbackitem WHERE description = %(mark)s",
    # The bench's own users only (fresh, referenced by nothing): no ORM cascade to walk.
    "DELETE FROM auth_user WHERE username LIKE 'bench\\_dashboard\\_%%'",
]


def _clean() -> None:
    with connection.cursor() as cursor:
        for statement in CLEAN:
            cursor.execute(statement, {"mark": MARK})


def _query(statement: str, parameters: dict):
    def run():
        with connection.cursor() as cursor:
            cursor.execute(statement, parameters)
            return cursor.fetchall() if cursor.description else cursor.rowcount

    return run


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=20_000, help="feedback items to write")
    parser.add_argument(
        "--ratings", type=int, help="how many are rated (default half; at most 70 %%)"
    )
    parser.add_argument("--months", type=int, default=12, help="spread over so many months")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-raw", action="store_true", help="do not time compute_raw")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the rows at the end, and time rows a --keep run left instead of writing",
    )
    args = parser.parse_args()
    args.ratings = args.items // 2 if args.ratings is None else args.ratings
    if not 0 <= args.ratings <= 0.7 * args.items:
        parser.error("--ratings is at most 70 % of --items (the resolved ones)")
    return args


def _write(args, generation, month_start) -> float:
    category = FeedbackCategory.objects.order_by("pk").first()
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            INSERT_ITEMS,
            {
                "generation": generation.pk,
                "start": month_start - timedelta(days=round(30.44 * args.months)),
                "stop": month_start,
                "items": args.items,
                "rated": args.ratings / args.items if args.items else 0,
                "category": category.pk,
                "mark": MARK,
            },
        )
        cursor.execute(INSERT_EVENTS, {"mark": MARK})
    written = time.perf_counter() - began
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE feedback_feedbackitem; ANALYZE feedback_feedbackevent; "
            "ANALYZE dashboard_itemfact"
        )
    return written


def _session_of(user: User):
    """A signed-in session of ``user``: the requests then time the dashboard, not the
    password hash that HTTP Basic checks on every request (hundreds of ms by design)."""
    store = importlib.import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store


def main() -> int:
    """Write the items, time every way, check the answers agree, clean up."""
    args = _arguments()
    month_start = parse_period(timezone.localdate().strftime("%Y-%m")).start
    period = parse_period((month_start - timedelta(days=1)).strftime("%Y-%m"))
    generation = generation_named(None)
    left = FeedbackItem.objects.filter(description=MARK).count()
    reuse = args.keep and left == args.items
    if not reuse:
        _clean()
    password = secrets.token_urlsafe(16)
    leader = User.objects.create_superuser(
        f"bench_dashboard_{secrets.token_hex(3)}", None, password
    )
    try:
        write_s = None if reuse else _write(args, generation, month_start)
        bounds = {"start": period.start, "stop": period.end, "generation": generation.pk}
        naive_s, naive_rows = best_of(args.repeats, _query(NAIVE, bounds))
        raw_s, raw = (None, None)
        if not args.skip_raw:
            raw_s, raw = best_of(args.repeats, lambda: compute_raw(period, generation, "ward"))
        facts_s, _ = best_of(args.repeats, _query(FACTS, bounds))
        fast_s, board = best_of(args.repeats, lambda: compute(period, generation, "ward"))
        session = _session_of(leader)
        with serve() as url:
            cookies = {settings.SESSION_COOKIE_NAME: session.session_key}
            query = {"period": period.name}

            def leaders():
                return requests.get(
                    f"{url}/api/v1/dashboard/", params=query, cookies=cookies, timeout=600
                )

            def public():
                return requests.get(f"{url}/api/v1/dashboard/public/", params=query, timeout=600)

            for _ in range(2):  # both workers warmed (imports, connection)
                leaders(), public()
            http_s, answer = best_of(args.repeats, leaders)
            public_s, public_answer = best_of(args.repeats, public)
        session.delete()
        answer.raise_for_status()
        public_answer.raise_for_status()
        one_write_s, _ = best_of(args.repeats, _query(ONE_WRITE, {"mark": MARK}))
        written = "left by a --keep run" if reuse else f"in {write_s:.1f} s"
        print(
            f"dashboard of {period.name}: {args.items:,} items ({args.ratings:,} rated) over "
            f"{args.months} months, all wards; written with their events and facts {written}"
        )
        row("", "seconds", "x naive", "x facts")
        for name, seconds in (
            ("naive GROUP BY (raw rows, stored ward)", naive_s),
            ("raw compute (ward rule, event log)", raw_s),
            ("facts GROUP BY (pre-aggregated table)", facts_s),
            ("compute() (fast path)", fast_s),
            ("HTTP GET /api/v1/dashboard/ (leader)", http_s),
            ("HTTP GET /api/v1/dashboard/public/", public_s),
            ("one item write (its facts' trigger)", one_write_s),
        ):
            if seconds is not None:
                row(name, f"{seconds:.3f}", f"{seconds / naive_s:.2f}", f"{seconds / facts_s:.2f}")
        naive_total = next(r for r in naive_rows if r[0] is None)
        agree = (naive_total[1], naive_total[2]) == (board.total.received, board.total.resolved)
        print(f"city totals agree with the naive statement (received, resolved): {agree}")
        if raw is not None:
            same = [asdict(r) for r in [*raw.rows, raw.total]] == [
                asdict(r) for r in [*board.rows, board.total]
            ]
            print(f"fast path equals the raw computation, every row and measure: {same}")
            agree = agree and same
        print(
            f"HTTP under 1 s: {http_s < 1.0}; HTTP within 2x the facts GROUP BY: "
            f"{http_s <= 2 * facts_s}"
        )
        return 0 if agree else 1
    finally:
        if args.keep:
            User.objects.filter(pk=leader.pk).delete()
        else:
            _clean()


if __name__ == "__main__":
    sys.exit(main())
