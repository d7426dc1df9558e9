"""Benchmark: the leaders' dashboard (all wards, all measures, one month) next to the
naive GROUP BY over the raw rows, measured in the same run.

Run with ``.venv/bin/python bench/dashboard.py [--items 20000]`` after ``make run`` has
loaded the demo boundaries. It writes ``--items`` synthetic feedback items (description
"(bench dashboard)") spread over the 12 months before this one, near the label points of
today's wards (70 % resolved, half of those rated), each with its timeline events; then
times, best of ``--repeats``:

  naive GROUP BY  one statement over feedback_feedbackitem grouped by the stored ward_id
                  (counts, on-time, percentiles, open/overdue at the month's end, mean
                  rating): the floor, without the one point-to-ward rule or the event log;
  compute()       ``dashboard.measures.compute`` in this process (the rule on every item's
                  point, the status at the month's end from the event log);
  HTTP            ``GET /api/v1/dashboard/?period=...`` of a real gunicorn, as a leader.

It checks that the city totals of the naive statement and of the dashboard agree on
received and resolved (exit 1 otherwise), and deletes its rows and its user at the end.
The issue's sizes (2,000,000 items) need the pre-aggregated table that is not built yet:
expect this to grow with the number of items.
"""

import argparse
import secrets
import sys
from datetime import timedelta

import _common  # noqa: F401  (sets Django up first)
import requests
from _common import best_of, row, serve
from django.contrib.auth.models import User
from django.db import connection
from django.utils import timezone

from dashboard.groups import generation_named
from dashboard.measures import compute
from dashboard.periods import parse_period
from feedback.models import FeedbackCategory

MARK = "(bench dashboard)"
INSERT_ITEMS = """
WITH wards AS (
    SELECT row_number() OVER (ORDER BY a.code) AS ord, a.id, a.label_point
    FROM layers_administrativearea AS a
    WHERE a.generation_id = %(generation)s AND a.level = 'ward' AND a.label_point IS NOT NULL
), drawn AS (
    SELECT n, random() AS r, %(start)s::timestamptz + random() * interval '365 days' AS created,
           random() * 240 AS hours
    FROM generate_series(1, %(items)s) AS n
)
INSERT INTO feedback_feedbackitem (
    tracking_code, category_id, description, channel, geom, address_text, ward_id, status,
    rejection_reason, reporter_name, reporter_phone, reporter_email, created_at, updated_at,
    deadline_at, resolved_at, rating, rating_comment, rated_at)
SELECT 'BD' || lpad(d.n::text, 10, '0'), %(category)s, %(mark)s, 'app',
       ST_SetSRID(ST_MakePoint(ST_X(w.label_point) + (random() - 0.5) * 0.004,
                               ST_Y(w.label_point) + (random() - 0.5) * 0.004), 4326),
       '', w.id, CASE WHEN d.r < 0.7 THEN 'resolved' ELSE 'received' END,
       '', '', '', '', d.created, d.created, d.created + interval '72 hours',
       CASE WHEN d.r < 0.7 THEN d.created + d.hours * interval '1 hour' END,
       CASE WHEN d.r < 0.35 THEN 1 + (d.n %% 5) END, '',
       CASE WHEN d.r < 0.35 THEN d.created + (d.hours + 24) * interval '1 hour' END
FROM drawn AS d
JOIN wards AS w ON w.ord = 1 + d.n %% (SELECT count(*) FROM wards)
"""
INSERT_EVENTS = """
INSERT INTO feedback_feedbackevent (item_id, at, actor_role, from_status, to_status, note,
                                    internal_note)
SELECT id, created_at, 'resident', '', 'received', '', '' FROM feedback_feedbackitem
WHERE description = %(mark)s
UNION ALL
SELECT id, resolved_at, 'ward_staff', 'received', 'resolved', '', '' FROM feedback_feedbackitem
WHERE description = %(mark)s AND resolved_at IS NOT NULL
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


def main() -> int:
    """Write the items, time the three ways, check the totals, clean up."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    month_start = parse_period(timezone.localdate().strftime("%Y-%m")).start
    period = parse_period((month_start - timedelta(days=1)).strftime("%Y-%m"))
    generation = generation_named(None)
    category = FeedbackCategory.objects.order_by("pk").first()
    _clean()
    password = secrets.token_urlsafe(16)
    leader = User.objects.create_superuser(
        f"bench_dashboard_{secrets.token_hex(3)}", None, password
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                INSERT_ITEMS,
                {
                    "generation": generation.pk,
                    "start": month_start - timedelta(days=365),
                    "items": args.items,
                    "category": category.pk,
                    "mark": MARK,
                },
            )
            cursor.execute(INSERT_EVENTS, {"mark": MARK})
            cursor.execute("ANALYZE feedback_feedbackitem; ANALYZE feedback_feedbackevent")

        def naive():
            with connection.cursor() as cursor:
                cursor.execute(NAIVE, {"start": period.start, "stop": period.end})
                return cursor.fetchall()

        naive_s, naive_rows = best_of(args.repeats, naive)
        compute_s, board = best_of(args.repeats, lambda: compute(period, generation, "ward"))
        with serve() as url:
            auth = (leader.username, password)
            query = {"period": period.name}
            requests.get(f"{url}/api/v1/dashboard/", params=query, auth=auth, timeout=600)
            http_s, answer = best_of(
                args.repeats,
                lambda: requests.get(
                    f"{url}/api/v1/dashboard/", params=query, auth=auth, timeout=600
                ),
            )
        answer.raise_for_status()
        naive_total = next(r for r in naive_rows if r[0] is None)
        print(f"dashboard of {period.name}: {args.items:,} items written, all wards")
        row("", "seconds", "x naive")
        row("naive GROUP BY (stored ward, no event log)", f"{naive_s:.3f}", "1.00")
        row("compute() (ward rule, event log)", f"{compute_s:.3f}", f"{compute_s / naive_s:.2f}")
        row("HTTP GET /api/v1/dashboard/", f"{http_s:.3f}", f"{http_s / naive_s:.2f}")
        agree = (naive_total[1], naive_total[2]) == (board.total.received, board.total.resolved)
        print(f"city totals agree (received, resolved): {agree}")
        return 0 if agree else 1
    finally:
        _clean()


if __name__ == "__main__":
    sys.exit(main())
