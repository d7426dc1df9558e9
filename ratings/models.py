"""Residents' ratings of their ward: one per resident (by keyed hash), ward and period.

A rating sent again within its period replaces the row in place; the version it replaces is
kept in ``WardRatingVersion``. Comments are public only once staff approve them.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from layers.models import AdministrativeArea

COMMENT_MAX_LENGTH = 500
SCORE_MIN, SCORE_MAX = 1, 5


class RatingAspect(models.Model):
    """One aspect a resident may rate besides the overall score (attitude of officials, ...)."""

    code = models.SlugField(max_length=40, unique=True)
    name_vi = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("rating aspect")

    def __str__(self) -> str:
        return self.code


class CommentStatus(models.TextChoices):
    """Where a rating's comment stands in moderation: public only when approved."""

    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    HIDDEN = "hidden", _("Hidden")


def _score_field(**kwargs) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)], **kwargs
    )


class WardRating(models.Model):
    """A resident's rating of a ward for one period (its first day in ``period_start``)."""

    # The keyed hash of the resident's subject (residents.identity): never shown publicly.
    resident_key = models.CharField(max_length=128)
    ward = models.ForeignKey(AdministrativeArea, on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField()
    overall = _score_field()
    aspects = models.JSONField(default=dict, blank=True, help_text=_("Aspect code → 1–5."))
    comment = models.CharField(max_length=COMMENT_MAX_LENGTH, blank=True)
    comment_status = models.CharField(
        max_length=10, choices=CommentStatus.choices, default=CommentStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period_start", "ward_id", "id"]
        verbose_name = _("ward rating")
        constraints = [
            models.UniqueConstraint(
                fields=["resident_key", "ward", "period_start"], name="one_rating_per_period"
            ),
            models.CheckConstraint(
                condition=Q(overall__gte=SCORE_MIN, overall__lte=SCORE_MAX),
                name="ward_rating_overall_1_to_5",
            ),
        ]
        indexes = [models.Index(fields=["period_start", "ward"])]
        permissions = [("moderate_wardrating", _("Can approve or hide ward rating comments"))]

    def __str__(self) -> str:
        return f"{self.ward_id} {self.period_start} {self.overall}"


class WardRatingVersion(models.Model):
    """An earlier version of a rating, kept when the resident sent a changed one."""

    rating = models.ForeignKey(WardRating, on_delete=models.CASCADE, related_name="history")
    overall = _score_field()
    aspects = models.JSONField(default=dict, blank=True)
    comment = models.CharField(max_length=COMMENT_MAX_LENGTH, blank=True)
    comment_status = models.CharField(max_length=10, choices=CommentStatus.choices)
    rated_at = models.DateTimeField(help_text=_("When this version was sent."))
    replaced_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["rating", "replaced_at", "id"]
        verbose_name = _("earlier ward rating")

    def __str__(self) -> str:
        return f"{self.rating_id} {self.overall} (until {self.replaced_at:%Y-%m-%d})"
