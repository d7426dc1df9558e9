"""The notifications queue's task: deliver one notification (``notifications.delivery``).

A failed attempt raises ``DeliveryFailed`` (or a database error, when the connection was
lost) and the queue runs the job again after ``delivery.backoff_seconds``; the row's
attempt count, not the job's, decides when it becomes a dead letter.
"""

from django.db import DatabaseError
from procrastinate import BaseRetryStrategy, RetryDecision
from procrastinate.contrib.django import app

from notifications import delivery

QUEUE = "notifications"


class Backoff(BaseRetryStrategy):
    """Retry failed deliveries and lost connections after a doubling wait (read from the
    settings at each failure, so tests and deployments may tune it)."""

    def get_retry_decision(self, *, exception: BaseException, job) -> RetryDecision | None:
        """When to run the job again (None: never, it failed for another reason)."""
        if not isinstance(exception, delivery.DeliveryFailed | DatabaseError):
            return None
        return RetryDecision(retry_in={"seconds": delivery.backoff_seconds(job.attempts + 1)})


@app.task(name="notifications.deliver", queue=QUEUE, retry=Backoff())
def deliver(notification_id: int) -> str:
    """Deliver one notification; its outcome."""
    return delivery.deliver(notification_id)


@app.task(name="notifications.noop", queue="notifications-bench")
def noop(number: int) -> int:
    """Nothing: the raw queue's cost, set beside deliveries by ``bench/notifications.py``."""
    return number
