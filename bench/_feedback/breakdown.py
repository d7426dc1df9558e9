"""Where a report's time goes, in the benchmark's own process (as the tile bench does for a
cold tile): the steps of ``POST /api/v1/feedback/items/`` timed one by one over a sample of
reports, next to whole requests through Django's handler (middleware, DRF, the view), and
the queries a report makes, counted with ``CaptureQueriesContext``: intake's own and the
notifications outbox's (``step_recorded``'s receiver, in the same transaction). The
statement's triggers are timed by ``EXPLAIN ANALYZE`` over a few reports, rolled back.
"""

import json
import random
import statistics
import time
import uuid
from collections import defaultdict
from contextlib import contextmanager

from django.db import connection, transaction
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from _feedback.samples import Sample, report_body
from apikeys.keys import ServiceAccount, create_key, revoke
from core.parsers import JSONParser
from feedback import intake, record
from feedback.api_input import RestReport
from feedback.models import FeedbackItem
from feedback.services import key_scope, service_account_actor
from feedback.shapes import item_json
from feedback.signals import step_recorded

ITEMS = "/api/v1/feedback/items/"
EXPLAINED = 10  # reports whose statement is run under EXPLAIN ANALYZE (rolled back)


def _outbox(sql: str) -> bool:
    return "notifications_" in sql or "procrastinate" in sql


def _label(sql: str) -> str:
    """A query as one short line: whose it is, and its first words, values and all."""
    return f"{'outbox' if _outbox(sql) else 'intake'}  {' '.join(sql.split())[:100]}"


def _counted(captured: CaptureQueriesContext) -> tuple[int, int, float]:
    """(intake's own queries, the outbox's, milliseconds in the database)."""
    own = sum(not _outbox(q["sql"]) for q in captured.captured_queries)
    db = sum(float(q["time"]) for q in captured.captured_queries) * 1000
    return own, len(captured.captured_queries) - own, db


def _request(client: Client, found: dict, sample: Sample, number: int, **extra) -> None:
    """One whole request through Django's handler: ms, queries, database ms into ``found``."""
    key = str(uuid.uuid4())
    # a new address per anonymous report: the rate limit is counted, not hit
    address = f"198.18.{number // 250}.{number % 250 + 1}"
    with CaptureQueriesContext(connection) as captured:
        began = time.perf_counter()
        response = client.post(
            ITEMS,
            report_body(key, sample),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=key,
            REMOTE_ADDR=address,
            **extra,
        )
        found["total"].append((time.perf_counter() - began) * 1000)
    if response.status_code != 201:
        raise SystemExit(f"breakdown: {response.status_code} {response.content[:300]!r}")
    found["codes"].append(response.json()["tracking_code"])
    own, outbox, db = _counted(captured)
    found["queries"] = [_label(q["sql"]) for q in captured.captured_queries]  # the last one's
    found["own"].append(own)
    found["outbox"].append(outbox)
    found["db"].append(db)


class _Clock:
    """Milliseconds of each named step, over many reports."""

    def __init__(self):
        self.times = defaultdict(list)

    @contextmanager
    def step(self, name: str):
        began = time.perf_counter()
        yield
        self.times[name].append((time.perf_counter() - began) * 1000)


def _one_report(clock: _Clock, django_request, api_key, scope: str, key: str) -> None:
    """One report of the key's service account, its steps timed one by one."""
    actor = service_account_actor()
    request = Request(django_request, parsers=[JSONParser()])
    request.user = ServiceAccount(api_key)
    sent = RestReport(request, actor)
    with clock.step("parse: body, fingerprint, fields"):
        fingerprint = sent.fingerprint()
        submission = sent.submission()
    with clock.step("idempotency key lookup"):
        intake.key_record(scope, key)
    with clock.step("checks, catalogue, deadline"):
        report = intake.prepare(submission)
    code = intake.new_tracking_code()
    params = record.statement_params(report, actor, code, scope, key, fingerprint)
    atomic = transaction.atomic()
    atomic.__enter__()
    try:
        with clock.step("the statement: ward, INSERTs, triggers"), connection.cursor() as cursor:
            cursor.execute(record.statement(), params)
            row = cursor.fetchone()
        written = record.built(report, actor, code, row)
        with clock.step("notifications outbox (receiver)"):
            step_recorded.send(sender=FeedbackItem, item=written.item, event=written.event)
    except BaseException as error:
        atomic.__exit__(type(error), error, error.__traceback__)
        raise
    with clock.step("commit"):
        atomic.__exit__(None, None, None)
    with clock.step("answer: JSON from what was written"):
        body = item_json(written.answerable(), django_request, private=False, language="vi")
        body["possible_duplicates"] = written.duplicates
        JSONRenderer().render(body)


def _triggers(samples: list[Sample], rng: random.Random) -> dict[str, float]:
    """Mean ms of each trigger the statement fires, by EXPLAIN ANALYZE (rolled back)."""
    actor, found = service_account_actor(), defaultdict(list)
    for _ in range(EXPLAINED):
        sample = rng.choice(samples)
        submission = intake.Submission(
            category="den-duong",
            description="explain",
            channel="app",
            lon=sample.lon,
            lat=sample.lat,
        )
        report = intake.prepare(submission)
        params = record.statement_params(report, actor, intake.new_tracking_code(), "", None, None)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + record.statement(), params)
            (plans,) = cursor.fetchone()
            plan = (plans if isinstance(plans, list) else json.loads(plans))[0]
            found["planning"].append(plan["Planning Time"])
            found["execution"].append(plan["Execution Time"])
            for trigger in plan.get("Triggers", []):
                found[f"trigger {trigger['Trigger Name']} ({trigger['Relation']})"].append(
                    trigger["Time"]
                )
            transaction.set_rollback(True)
    return {name: statistics.mean(values) for name, values in found.items()}


def breakdown(samples: list[Sample], n: int, seed: int) -> None:
    """Print where a report's time goes and the queries it makes."""
    rng = random.Random(seed)
    api_key, raw = create_key("bench-feedback-breakdown", ["feedback"])
    client, factory, clock = Client(HTTP_ACCEPT_LANGUAGE="vi"), RequestFactory(), _Clock()
    keyed, anonymous, scope = defaultdict(list), defaultdict(list), key_scope(api_key.prefix)
    try:
        for number in range(5):  # warm: the catalogue, the calendar, the key's first use
            _request(client, defaultdict(list), rng.choice(samples), number, HTTP_X_API_KEY=raw)
        # In turns, so that the three see the same load on a shared machine.
        for number in range(n):
            _request(client, keyed, rng.choice(samples), number, HTTP_X_API_KEY=raw)
            _request(client, anonymous, rng.choice(samples), number)
            key = str(uuid.uuid4())
            django_request = factory.post(
                ITEMS, report_body(key, rng.choice(samples)), content_type="application/json"
            )
            _one_report(clock, django_request, api_key, scope, key)
        triggers = _triggers(samples, rng)
    finally:
        FeedbackItem.objects.filter(api_key_id=api_key.id).delete()
        FeedbackItem.objects.filter(tracking_code__in=keyed["codes"] + anonymous["codes"]).delete()
        revoke(api_key.prefix)
    steps = clock.times
    median = statistics.median
    print(f"Where a report's time goes (in process, {n} reports each, in turns; median ms):")
    for label, found in (("API key", keyed), ("anonymous", anonymous)):
        print(
            f"  whole request through Django ({label}): {median(found['total']):.1f} ms, "
            f"{median(found['db']):.1f} ms of it in the database; queries per report "
            f"(max): {max(o + b for o, b in zip(found['own'], found['outbox'], strict=True))} "
            f"(aim <= 6), {max(found['own'])} of intake's own and "
            f"{max(found['outbox'])} of the notifications outbox; the last report's:"
        )
        for query in found["queries"]:
            print(f"      {query}")
    total = 0.0
    for name, values in steps.items():
        total += median(values)
        print(f"    {name:<44} {median(values):7.2f} ms")
    rest = median(keyed["total"]) - total
    print(f"    {'the rest: middleware, DRF, auth (key lookup)':<44} {rest:7.2f} ms")
    print(f"  the statement under EXPLAIN ANALYZE ({EXPLAINED} reports, rolled back; mean ms):")
    for name, value in triggers.items():
        print(f"    {name:<70} {value:7.2f}")
