"""An API key of a service account: stored as a hash, shown once, with scopes, revocable."""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    """What a key may be used for: one scope per API."""

    OPEN311 = "open311", _("Open311 GeoReport v2")
    FEEDBACK = "feedback", _("Feedback REST API")
    RESIDENTS = "residents", _("Acting for residents (X-Resident-Id)")
    NOTIFICATIONS = "notifications", _("Residents' notifications (in-app inbox)")


class ApiKey(models.Model):
    """A key is ``cm_<prefix>_<secret>``; only its SHA-256 is kept (the secret is 256 random
    bits, so a plain hash is as strong as a slow one and costs microseconds per request)."""

    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True, help_text=_("Shown in lists."))
    key_hash = models.CharField(max_length=64, unique=True)
    scopes = ArrayField(models.CharField(max_length=20, choices=Scope.choices))
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "created_at"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def is_active(self) -> bool:
        """Not revoked."""
        return self.revoked_at is None
