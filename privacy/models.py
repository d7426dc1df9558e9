"""Residents' requests about their personal data (Decree 13/2023/NĐ-CP art. 14-16), and
their audit trail. The log of staff reads of contact details is
``feedback.models.ContactAccess`` (written by ``privacy.access_log``)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestKind(models.TextChoices):
    """What a resident asks for."""

    EXPORT = "export", _("Export my data")
    CORRECT = "correct", _("Correct my data")
    DELETE = "delete", _("Delete my data")


class RequestStatus(models.TextChoices):
    """Where a request stands."""

    RECEIVED = "received", _("Received")
    DONE = "done", _("Done")
    REFUSED = "refused", _("Refused")


class DataRequest(models.Model):
    """A resident's request: who asked, how they were identified, when it is due, who
    answered it and how."""

    kind = models.CharField(max_length=10, choices=RequestKind.choices)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="privacy_requests",
    )
    # How the requester was identified: their account and the tracking codes they named.
    identification = models.JSONField(default=dict)
    # For a correction: the new values (name, phone, email).
    changes = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.RECEIVED
    )
    received_at = models.DateTimeField()
    due_at = models.DateTimeField(help_text=_("The legal time to answer (settings)."))
    answered_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"


class DataRequestEvent(models.Model):
    """One action on a request (received, exported, corrected, erased, refused): who and
    when. Never changed: the database refuses UPDATE and DELETE (migration)."""

    request = models.ForeignKey(DataRequest, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField()
    # The user's name, not a key: deleting the user must not need to change this row.
    username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=20)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["request", "at", "id"]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.action}"
