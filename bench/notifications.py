"""Notification throughput: N workflow steps → their notifications (in-app and a signed
webhook to a local receiver) delivered by a real procrastinate worker, next to the raw
queue (deferring and running as many no-op jobs) in the same run.

    .venv/bin/python bench/notifications.py --steps 500 --concurrency 4

Needs a migrated database (DATABASE_URL); its rows are removed at the end. Checks: every
notification is sent and the receiver saw each delivery id exactly once.
"""

import argparse
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from _common import row
from django.contrib.auth.models import User
from django.db import connection
from procrastinate.contrib.django import app

from feedback.intake import Submission, submit
from feedback.models import FeedbackCategory, FeedbackItem
from feedback.workflow import actor_for
from layers.models import AdministrativeArea
from notifications.models import Notification, WebhookEndpoint
from notifications.tasks import noop

CATEGORY = "bench-thong-bao"
ENDPOINT = "bench-receiver"


class Receiver:
    """A local HTTP receiver counting deliveries by id."""

    def __init__(self):
        self.seen: dict[str, int] = {}
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    key = self.headers.get("X-CommonMap-Delivery", "")
                    receiver.seen[key] = receiver.seen.get(key, 0) + 1
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"


def cleanup() -> None:
    """Remove what the benchmark made."""
    FeedbackItem.objects.filter(category__code=CATEGORY).delete()
    WebhookEndpoint.objects.filter(name=ENDPOINT).delete()
    User.objects.filter(username="bench_notify").delete()
    FeedbackCategory.objects.filter(code=CATEGORY).delete()
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM procrastinate_jobs WHERE queue_name IN "
            "('notifications', 'notifications-bench')"
        )


def run_worker(queue: str, concurrency: int) -> float:
    """Run a real worker until ``queue`` is empty; seconds."""
    start = time.perf_counter()
    with app.replace_connector(app.connector.get_worker_connector()):
        app.run_worker(
            queues=[queue],
            wait=False,
            install_signal_handlers=False,
            concurrency=concurrency,
            delete_jobs="never",
        )
    return time.perf_counter() - start


def main() -> int:
    """Run the benchmark; non-zero when a check fails."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    cleanup()
    receiver = Receiver()
    FeedbackCategory.objects.create(
        code=CATEGORY, name_vi="Thử", name_en="Bench", deadline_amount=72
    )
    WebhookEndpoint.objects.create(
        name=ENDPOINT, url=receiver.url, secret="bench", events=["received"]
    )
    actor = actor_for(User.objects.create_superuser("bench_notify", password=None))
    ward = AdministrativeArea.objects.filter(
        level="ward", generation__valid_to__isnull=True
    ).first()
    point = ward.geom.point_on_surface
    try:
        start = time.perf_counter()
        for _ in range(args.steps):
            submit(
                Submission(
                    category=CATEGORY,
                    description="bench",
                    channel="app",
                    lon=point.x,
                    lat=point.y,
                ),
                actor,
            )
        steps_s = time.perf_counter() - start
        total = Notification.objects.filter(item__category__code=CATEGORY).count()
        deliver_s = run_worker("notifications", args.concurrency)

        start = time.perf_counter()
        for number in range(total):
            noop.defer(number=number)
        defer_s = time.perf_counter() - start
        noop_s = run_worker("notifications-bench", args.concurrency)

        states = Notification.objects.filter(item__category__code=CATEGORY)
        unsent = states.exclude(state="sent").count()
        hooks = {str(pk) for pk in states.filter(channel="webhook").values_list("pk", flat=True)}
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM procrastinate_jobs "
                "WHERE queue_name = 'notifications-bench' AND status = 'succeeded'"
            )
            noop_done = cursor.fetchone()[0]
    finally:
        cleanup()
    print(
        f"notifications: {args.steps} steps, {total} notifications, "
        f"worker concurrency {args.concurrency}"
    )
    row("", "seconds", "per second", "vs raw queue")
    row("steps written (with outbox + defer)", f"{steps_s:.2f}", f"{args.steps / steps_s:.0f}", "")
    row("raw queue: defer no-op jobs", f"{defer_s:.2f}", f"{total / defer_s:.0f}", "")
    row("raw queue: run no-op jobs", f"{noop_s:.2f}", f"{total / noop_s:.0f}", "1.00")
    row(
        "notifications delivered",
        f"{deliver_s:.2f}",
        f"{total / deliver_s:.0f}",
        f"{deliver_s / noop_s:.2f}x slower",
    )
    failures = []
    if unsent:
        failures.append(f"{unsent} notifications not sent")
    if receiver.seen != {key: 1 for key in hooks}:
        failures.append("the receiver did not see each webhook delivery exactly once")
    if noop_done != total:
        failures.append(f"{noop_done} of {total} no-op jobs succeeded")
    for failure in failures:
        print("CHECK FAILED:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
