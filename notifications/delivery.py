"""Delivering one notification, once: lock its row, send, record the outcome.

The row is locked with ``SELECT ... FOR UPDATE SKIP LOCKED`` for the whole attempt, so two
workers (or a replay racing a retry) never send it together; a sent or dead row is left
alone. A failure is recorded on the row (its error, the attempt count) and raised as
``DeliveryFailed`` for the queue to retry after a doubling wait; after
``NOTIFY_MAX_ATTEMPTS`` attempts, or a failure no retry can fix, the row is ``dead`` (the
dead letter an admin may replay).
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from notifications.channels import ChannelError, PermanentFailure, send
from notifications.models import Notification, State

# The longest wait between two attempts, whatever the doubling says.
MAX_WAIT_S = 6 * 3600


class DeliveryFailed(Exception):
    """An attempt failed and will be retried (the row says why)."""


def backoff_seconds(attempt: int) -> int:
    """The wait before attempt ``attempt + 1``: the base, doubled after each failure."""
    base = settings.COMMONMAP["NOTIFY_RETRY_BASE_S"]
    return min(base * 2 ** max(attempt - 1, 0), MAX_WAIT_S)


def deliver(notification_id: int) -> str:
    """Attempt the delivery; the outcome ("sent", "dead", "skipped", "busy", "gone"), or
    ``DeliveryFailed`` after recording a failure worth retrying."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related(
                "item__category", "item__ward", "event", "endpoint", "push_subscription"
            )
            .filter(pk=notification_id)
            .first()
        )
        if notification is None:
            exists = Notification.objects.filter(pk=notification_id).exists()
            return "busy" if exists else "gone"
        if notification.state in (State.SENT, State.DEAD):
            return "skipped"
        notification.attempts += 1
        try:
            send(notification)
        except ChannelError as exc:
            notification.last_error = str(exc)[:2000]
            last = notification.attempts >= settings.COMMONMAP["NOTIFY_MAX_ATTEMPTS"]
            dead = last or isinstance(exc, PermanentFailure)
            notification.state = State.DEAD if dead else State.FAILED
            notification.save(update_fields=["attempts", "last_error", "state"])
            if dead:
                return "dead"
            error = notification.last_error
        else:
            notification.state = State.SENT
            notification.sent_at = timezone.now()
            notification.last_error = ""
            notification.save(update_fields=["attempts", "last_error", "state", "sent_at"])
            return "sent"
    # Raised after the commit, so the failure stays recorded while the queue retries.
    raise DeliveryFailed(error)
