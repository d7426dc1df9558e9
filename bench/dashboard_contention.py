"""Benchmark: feedback intake under the dashboard's statement triggers, concurrent reports of
one ward on one day (the same open-delta and day-flow keys) against reports of a ward each.

Run with ``.venv/bin/python bench/dashboard_contention.py [--sessions 8] [--seconds 10]``
after ``make run``. Each of ``--sessions`` psycopg sessions inserts, in one transaction, an
item (description "(bench contention)") and its first event, as the intake does (the facts'
triggers, then the open deltas' and day flows' triggers run), then does ``--work`` seconds of
other work in the same transaction (the rest of a request) and commits; for ``--seconds``,
twice each way, alternately. Printed: items per second, all in one ward and one per ward,
and their ratio. Were the triggers to update one row per ward and day in place, the one-ward
sessions would wait for each other's commit and the ratio would fall towards 1/sessions;
appended rows (``dashboard/sql/day_flows.sql``) keep it near 1. The rows are deleted.
"""

import argparse
import threading
import time

import _common
import psycopg

from feedback.models import FeedbackCategory

MARK = "(bench contention)"
INSERT = """
WITH ward AS (SELECT a.id, a.label_point FROM layers_administrativearea AS a WHERE a.id = %(ward)s),
item AS (
    INSERT INTO feedback_feedbackitem (
        tracking_code, category_id, description, channel, geom, address_text, ward_id, status,
        rejection_reason, reporter_name, reporter_phone, reporter_email, created_at,
        updated_at, deadline_at, rating_comment, consent_notice_version, consent_purpose,
        paused_seconds)
    SELECT %(code)s, %(category)s, %(mark)s, 'app', ward.label_point, '', ward.id, 'received',
           '', '', '', '', now(), now(), now() + interval '72 hours', '', '', '', 0
    FROM ward
    RETURNING id
)
INSERT INTO feedback_feedbackevent (item_id, at, actor_role, from_status, to_status, note,
                                    internal_note)
SELECT item.id, now(), 'resident', '', 'received', '', '' FROM item
"""
WARDS = """
SELECT a.id FROM layers_administrativearea AS a
JOIN layers_boundarygeneration AS g ON g.id = a.generation_id
WHERE g.valid_to IS NULL AND a.level = 'ward' AND a.label_point IS NOT NULL
ORDER BY a.code LIMIT %s
"""
CLEAN = [
    "DELETE FROM feedback_feedbackevent WHERE item_id IN "
    "(SELECT id FROM feedback_feedbackitem WHERE description = %s)",
    "DELETE FROM feedback_feedbackitem WHERE description = %s",
]


def _rate(url: str, wards: list[int], one_ward: bool, args, category: int) -> float:
    made = [0] * args.sessions
    stop = time.perf_counter() + args.seconds

    def session(index: int) -> None:
        with psycopg.connect(url) as conn:
            while time.perf_counter() < stop:
                with conn.transaction():
                    code = f"BC{int(one_ward)}{index:02d}{made[index]:05d}{time.time_ns() % 10000}"
                    ward = wards[0] if one_ward else wards[index]
                    values = {"ward": ward, "code": code[:16], "category": category}
                    conn.execute(INSERT, {**values, "mark": MARK})
                    conn.execute("SELECT pg_sleep(%s)", [args.work])
                made[index] += 1

    threads = [threading.Thread(target=session, args=(i,)) for i in range(args.sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(made) / args.seconds


def main() -> None:
    """Time both ways twice, print the rates and their ratio, delete the rows."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--work", type=float, default=0.01, help="seconds after the insert")
    args = parser.parse_args()
    url = _common.database_url()
    category = FeedbackCategory.objects.order_by("pk").first().pk
    with psycopg.connect(url) as conn:
        wards = [row[0] for row in conn.execute(WARDS, [args.sessions])]
    rates: dict[bool, list[float]] = {False: [], True: []}
    try:
        for one_ward in (False, True, False, True):
            rates[one_ward].append(_rate(url, wards, one_ward, args, category))
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            for statement in CLEAN:
                conn.execute(statement, [MARK])
    spread, hot = max(rates[False]), max(rates[True])
    print(f"{args.sessions} sessions, {args.work * 1000:.0f} ms of work after each insert")
    print(f"  a ward each        {spread:8.1f} items/s")
    print(f"  all in one ward    {hot:8.1f} items/s   ({hot / spread:.2f} of a ward each)")


if __name__ == "__main__":
    main()
