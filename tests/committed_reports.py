"""Reports that tests commit (through the served app, a worker, or ``read_db``/``committed``),
removed with everything they wrote, and the checks that nothing of them is left.

A report writes more than its item. The ORM's cascade takes the rows that point at the
item: its events, photos, verifications, idempotency record, push subscriptions and the
outbox's notifications (and the triggers take its dashboard fact). Three kinds of rows
outlive it unless removed here:

- the delivery job of each notification (``procrastinate_jobs``, and its
  ``procrastinate_events`` by cascade), which names its notification only inside its
  arguments;
- staff reads of the reporter's contact details (``feedback_contactaccess``), an
  append-only log whose trigger refuses the ORM's SET NULL as much as a DELETE;
- an anonymous report's rate-limit windows (``feedback_ratewindow``), keyed by a hash of
  the caller's address, which a later anonymous request from that address would count.

The map's cell deltas and the dashboard's flows are append-only logs kept by triggers:
deleting an item appends the opposite rows, so their sums, not their row counts, come
back to where they were (``derived_sums``).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import QuerySet
from django.test import RequestFactory

from core.clients import client_of
from feedback.models import FeedbackItem
from notifications.models import Notification

DELIVERY_TASK = "notifications.deliver"
CONTACT_LOG_TRIGGER = "feedback_contactaccess_frozen"  # refuses UPDATE and DELETE
LOOPBACK = "127.0.0.1"  # where the browser and ``requests`` send from

# Rows of the given items (%(items)s), tracking codes (%(codes)s) and notifications
# (%(notifications)s) in every table a report writes to, one count per table.
LEFT_SQL = """
SELECT 'feedback_feedbackitem', count(*) FROM feedback_feedbackitem
 WHERE id = ANY(%(items)s) OR tracking_code = ANY(%(codes)s)
UNION ALL SELECT 'feedback_feedbackevent', count(*) FROM feedback_feedbackevent
 WHERE item_id = ANY(%(items)s)
UNION ALL SELECT 'feedback_feedbackphoto', count(*) FROM feedback_feedbackphoto
 WHERE item_id = ANY(%(items)s)
UNION ALL SELECT 'feedback_feedbackverification', count(*) FROM feedback_feedbackverification
 WHERE item_id = ANY(%(items)s) OR via_item_id = ANY(%(items)s)
UNION ALL SELECT 'feedback_idempotencyrecord', count(*) FROM feedback_idempotencyrecord
 WHERE item_id = ANY(%(items)s)
UNION ALL SELECT 'feedback_contactaccess', count(*) FROM feedback_contactaccess
 WHERE item_id = ANY(%(items)s) OR tracking_code = ANY(%(codes)s)
UNION ALL SELECT 'notifications_notification', count(*) FROM notifications_notification
 WHERE item_id = ANY(%(items)s) OR id = ANY(%(notifications)s)
UNION ALL SELECT 'notifications_pushsubscription', count(*) FROM notifications_pushsubscription
 WHERE item_id = ANY(%(items)s)
UNION ALL SELECT 'dashboard_itemfact', count(*) FROM dashboard_itemfact
 WHERE item_id = ANY(%(items)s)
UNION ALL SELECT 'procrastinate_jobs', count(*) FROM procrastinate_jobs
 WHERE task_name = %(task)s AND (args->>'notification_id')::bigint = ANY(%(notifications)s)
"""

# The tables whose rows a report makes, by id: rows above a mark were made after it.
MADE_BY_REPORTS = (
    "feedback_feedbackitem",
    "feedback_feedbackevent",
    "feedback_feedbackphoto",
    "feedback_feedbackverification",
    "feedback_idempotencyrecord",
    "feedback_contactaccess",
    "feedback_ratewindow",
    "notifications_notification",
    "notifications_pushsubscription",
)

# The sums the triggers keep, per key, where they are not zero: a report removed takes
# its share back out of them.
SUMS_SQL = {
    "tiles_pointdelta": "SELECT layer, cx, cy, grp, sum(n) FROM tiles_pointdelta "
    "GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0",
    "dashboard_opendelta": "SELECT generation_id, area_id, day, sum(open_delta), "
    "sum(overdue_delta) FROM dashboard_opendelta GROUP BY 1, 2, 3 "
    "HAVING sum(open_delta) <> 0 OR sum(overdue_delta) <> 0",
    "dashboard_opendelta_recent": "SELECT generation_id, area_id, at, sum(open_delta), "
    "sum(overdue_delta) FROM dashboard_opendelta_recent GROUP BY 1, 2, 3 "
    "HAVING sum(open_delta) <> 0 OR sum(overdue_delta) <> 0",
    "dashboard_dayflow": "SELECT generation_id, day, area_id, sum(received), sum(ratings), "
    "sum(rating_sum), sum(reopened_month), sum(reopened_quarter), sum(reopened_year) "
    "FROM dashboard_dayflow GROUP BY 1, 2, 3 HAVING sum(received) <> 0 OR sum(ratings) <> 0 "
    "OR sum(rating_sum) <> 0 OR sum(reopened_month) <> 0 OR sum(reopened_quarter) <> 0 "
    "OR sum(reopened_year) <> 0",
    "dashboard_resolutionflow": "SELECT generation_id, month, area_id, bucket, sum(resolved), "
    "sum(on_time) FROM dashboard_resolutionflow GROUP BY 1, 2, 3, 4 "
    "HAVING sum(resolved) <> 0 OR sum(on_time) <> 0",
}


def _on_test_database() -> None:
    name = connection.settings_dict["NAME"]
    assert name.startswith("test_"), f"would remove reports from {name}"


def remove_reports(codes: Iterable[str], callers: Iterable[str] = ()) -> None:
    """``remove_items`` for the reports with these tracking codes."""
    remove_items(FeedbackItem.objects.filter(tracking_code__in=list(codes)), callers)


def remove_items(items: QuerySet, callers: Iterable[str] = ()) -> None:
    """Delete the items, the items merged into them, and every row they wrote (see the
    module's docstring); forget the rate-limit windows of ``callers``, the addresses
    anonymous reports were sent from. AssertionError naming the tables if a row is left."""
    _on_test_database()
    ids = _with_merged(list(items.values_list("pk", flat=True)))
    codes = list(FeedbackItem.objects.filter(pk__in=ids).values_list("tracking_code", flat=True))
    notifications = list(Notification.objects.filter(item_id__in=ids).values_list("pk", flat=True))
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM procrastinate_jobs WHERE task_name = %s "
                "AND (args->>'notification_id')::bigint = ANY(%s)",
                [DELIVERY_TASK, notifications],
            )
        forget_contact_reads(items=ids, codes=codes)
        _delete_merged_first(ids)
        forget_callers(callers)
    left = left_behind(ids, codes, notifications)
    assert not left, f"rows of removed reports left behind: {left}"


def _with_merged(ids: list[int]) -> list[int]:
    """The items and those merged into them (at any depth): their merge protects them."""
    found = set(ids)
    while True:
        more = set(
            FeedbackItem.objects.filter(merged_into__in=found)
            .exclude(pk__in=found)
            .values_list("pk", flat=True)
        )
        if not more:
            return sorted(found)
        found |= more


def _delete_merged_first(ids: list[int]) -> None:
    """Delete the items, each after the ones merged into it."""
    remaining = FeedbackItem.objects.filter(pk__in=ids)
    while remaining.exists():
        deleted, _counts = remaining.filter(merged_items__isnull=True).delete()
        assert deleted, "items merged into each other in a loop"


def forget_contact_reads(
    items: Iterable[int] = (), codes: Iterable[str] = (), users: Iterable[int] = ()
) -> None:
    """Delete the contact-read log's rows of these items, tracking codes or staff users,
    with its trigger off for this transaction only (test database only): the log refuses
    the ORM's SET NULL when an item or a user is deleted."""
    _on_test_database()
    params = {"items": list(items), "codes": list(codes), "users": list(users)}
    where = "item_id = ANY(%(items)s) OR tracking_code = ANY(%(codes)s) OR user_id = ANY(%(users)s)"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS (SELECT FROM feedback_contactaccess WHERE {where})", params)
        if not cursor.fetchone()[0]:
            return  # no ALTER TABLE, and no lock on the log, when there is nothing to do
        cursor.execute(f"ALTER TABLE feedback_contactaccess DISABLE TRIGGER {CONTACT_LOG_TRIGGER}")
        cursor.execute(f"DELETE FROM feedback_contactaccess WHERE {where}", params)
        cursor.execute(f"ALTER TABLE feedback_contactaccess ENABLE TRIGGER {CONTACT_LOG_TRIGGER}")


def rate_bucket(address: str) -> str:
    """The hash the served app counts an anonymous caller from ``address`` by."""
    return client_of(RequestFactory().get("/", REMOTE_ADDR=address))


def forget_callers(addresses: Iterable[str]) -> None:
    """Delete every rate-limit window of callers from these addresses."""
    _on_test_database()
    buckets = [rate_bucket(address) for address in addresses]
    if not buckets:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM feedback_ratewindow WHERE split_part(bucket, ':', 3) = ANY(%s)",
            [buckets],
        )


def left_behind(
    items: Iterable[int], codes: Iterable[str] = (), notifications: Iterable[int] = ()
) -> dict[str, int]:
    """The rows still there of these items, tracking codes and notifications, counted per
    table (tables with none left out)."""
    params = {
        "items": list(items),
        "codes": list(codes),
        "notifications": list(notifications),
        "task": DELIVERY_TASK,
    }
    with connection.cursor() as cursor:
        cursor.execute(LEFT_SQL, params)
        return {table: n for table, n in cursor.fetchall() if n}


@dataclass(frozen=True)
class Mark:
    """Where the tables stood: the highest id of each table reports write to, the highest
    delivery job, and the triggers' sums."""

    ids: dict[str, int]
    job: int
    sums: dict[str, frozenset]


def derived_sums() -> dict[str, frozenset]:
    """The sums the triggers keep (map cells, dashboard flows), per key, not zero."""
    with connection.cursor() as cursor:
        sums = {}
        for table, query in SUMS_SQL.items():
            cursor.execute(query)
            sums[table] = frozenset(cursor.fetchall())
    return sums


def mark() -> Mark:
    """Where the tables stand now, to compare with ``made_since``."""
    with connection.cursor() as cursor:
        ids = {}
        for table in MADE_BY_REPORTS:
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
            ids[table] = cursor.fetchone()[0]
        cursor.execute(
            "SELECT coalesce(max(id), 0) FROM procrastinate_jobs WHERE task_name = %s",
            [DELIVERY_TASK],
        )
        job = cursor.fetchone()[0]
    return Mark(ids, job, derived_sums())


def made_since(then: Mark) -> dict[str, int]:
    """What reports made after ``then`` left: rows per table, and per table of sums the
    keys whose sum is not what it was (empty: nothing)."""
    left = {}
    with connection.cursor() as cursor:
        for table, highest in then.ids.items():
            cursor.execute(f"SELECT count(*) FROM {table} WHERE id > %s", [highest])
            left[table] = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM procrastinate_jobs WHERE task_name = %s AND id > %s",
            [DELIVERY_TASK, then.job],
        )
        left["procrastinate_jobs"] = cursor.fetchone()[0]
    for table, now in derived_sums().items():
        left[f"{table} (sums)"] = len(now ^ then.sums[table])
    return {table: n for table, n in left.items() if n}
