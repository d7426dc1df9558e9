"""The notifications outbox and what it is delivered with.

A ``Notification`` is written in the same transaction as the workflow step it tells of, one
per channel and recipient (the unique constraint makes "no message twice" structural), and
delivered later by the task queue's workers. Webhook endpoints are set by admins only; push
subscriptions are posted by the web map for one tracking code; the texts come from
``NotificationTemplate`` rows that staff can edit.
"""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from feedback.models import FeedbackEvent, FeedbackItem


class Event(models.TextChoices):
    """A step as the resident sees it (every public step; "reopened" is a step back)."""

    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    AWAITING_INFO = "awaiting_info", _("Waiting for the resident")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    MERGED = "merged", _("Merged")
    REOPENED = "reopened", _("Reopened")


class Language(models.TextChoices):
    """The languages of the texts."""

    VI = "vi", "Tiếng Việt"
    EN = "en", "English"


class NotificationChannel(models.TextChoices):
    """How a notification reaches its recipient."""

    IN_APP = "in_app", _("In-app")
    EMAIL = "email", _("E-mail")
    WEB_PUSH = "web_push", _("Web Push")
    WEBHOOK = "webhook", _("Webhook")


class State(models.TextChoices):
    """Where a notification is in its delivery."""

    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed, will retry")
    DEAD = "dead", _("Dead letter")


class NotificationTemplate(models.Model):
    """The subject and body of one event in one language (Django template syntax, with
    tracking_code, status, note, category, ward, deadline and url)."""

    event = models.CharField(max_length=20, choices=Event.choices)
    language = models.CharField(max_length=2, choices=Language.choices)
    subject = models.CharField(max_length=200)
    body = models.TextField()

    class Meta:
        ordering = ["event", "language"]
        constraints = [
            models.UniqueConstraint(fields=["event", "language"], name="one_template_per_event")
        ]

    def __str__(self) -> str:
        return f"{self.event} ({self.language})"


class WebhookEndpoint(models.Model):
    """A service of the city told of steps by signed POSTs; set by admins, never by users."""

    name = models.CharField(max_length=100)
    url = models.URLField(max_length=500)
    secret = models.CharField(
        max_length=200, help_text=_("Signs each body (HMAC-SHA256); share it with the receiver.")
    )
    active = models.BooleanField(default=True)
    events = ArrayField(
        models.CharField(max_length=20, choices=Event.choices),
        help_text=_("The events sent to this endpoint."),
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PushSubscription(models.Model):
    """A browser's Web Push subscription to one item (posted by the web map)."""

    item = models.ForeignKey(FeedbackItem, on_delete=models.CASCADE, related_name="+")
    endpoint = models.URLField(max_length=1000)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "endpoint"], name="one_push_per_item_endpoint")
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.endpoint[:60]}"


class Notification(models.Model):
    """One message of one step to one recipient on one channel: the outbox row."""

    event = models.ForeignKey(FeedbackEvent, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(FeedbackItem, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Event.choices)
    channel = models.CharField(max_length=10, choices=NotificationChannel.choices)
    # Who: "reporter" (in-app, e-mail), "push:<id>", "webhook:<id>".
    recipient = models.CharField(max_length=40)
    push_subscription = models.ForeignKey(
        PushSubscription, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    endpoint = models.ForeignKey(
        WebhookEndpoint, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    language = models.CharField(max_length=2, choices=Language.choices)
    # The rendered texts in every language: {"vi": {"subject", "body"}, "en": {...}}.
    texts = models.JSONField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "channel", "recipient"], name="one_notification_per_recipient"
            )
        ]
        indexes = [models.Index(fields=["item", "channel", "id"])]

    def __str__(self) -> str:
        return f"{self.kind} → {self.channel}:{self.recipient}"
