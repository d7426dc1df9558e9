"""The outbox: a workflow step's notifications, written in the step's own transaction.

``record_step`` receives ``feedback.signals.step_recorded`` while the step's transaction is
open. It writes one ``Notification`` per channel and recipient that applies and defers the
delivery job of each through procrastinate's Django connector, i.e. on the same connection
and in the same transaction: a step rolled back leaves neither rows nor jobs, a committed
step has all of them. The unique (event, channel, recipient) constraint means a step is
never told twice to the same recipient. No network I/O happens here.
"""

from feedback.models import FeedbackEvent, FeedbackItem
from notifications.channels import email_enabled
from notifications.models import (
    Notification,
    NotificationChannel,
    PushSubscription,
    WebhookEndpoint,
)
from notifications.tasks import deliver
from notifications.texts import event_of, language_of, render_texts


def recipients(item: FeedbackItem, kind: str) -> list[tuple[str, str, dict]]:
    """(channel, recipient, links) for every channel that applies to this item and event."""
    rows = [(NotificationChannel.IN_APP, "reporter", {})]
    if item.reporter_email and email_enabled():
        rows.append((NotificationChannel.EMAIL, "reporter", {}))
    for subscription in PushSubscription.objects.filter(item=item).order_by("pk"):
        links = {"push_subscription": subscription}
        rows.append((NotificationChannel.WEB_PUSH, f"push:{subscription.pk}", links))
    endpoints = WebhookEndpoint.objects.filter(active=True, events__contains=[kind]).order_by("pk")
    for endpoint in endpoints:
        rows.append((NotificationChannel.WEBHOOK, f"webhook:{endpoint.pk}", {"endpoint": endpoint}))
    return rows


def record_step(sender, item: FeedbackItem, event: FeedbackEvent, **kwargs) -> list[Notification]:
    """Write the step's notifications and defer their delivery (inside the caller's
    transaction; the signal's receiver)."""
    kind = event_of(event)
    texts = render_texts(item, event, kind)
    language = language_of(item)
    written = []
    for channel, recipient, links in recipients(item, kind):
        notification, created = Notification.objects.get_or_create(
            event=event,
            channel=channel,
            recipient=recipient,
            defaults={"item": item, "kind": kind, "language": language, "texts": texts, **links},
        )
        if created:
            deliver.defer(notification_id=notification.pk)
            written.append(notification)
    return written
