"""Replaying notifications an admin chooses: dead letters and failures sent again."""

from django.db import transaction
from django.db.models import QuerySet

from notifications.models import State
from notifications.tasks import deliver


def requeue(notifications: QuerySet) -> int:
    """Back to pending with attempts from zero, and a new delivery job each, for the dead
    or failed ones among ``notifications`` (sent ones are left alone); how many."""
    count = 0
    with transaction.atomic():
        for notification in notifications.select_for_update().filter(
            state__in=[State.DEAD, State.FAILED]
        ):
            notification.state = State.PENDING
            notification.attempts = 0
            notification.save(update_fields=["state", "attempts"])
            deliver.defer(notification_id=notification.pk)
            count += 1
    return count
