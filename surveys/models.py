"""Surveys targeted by area, their questions, and residents' answer sets.

A survey's area is stored as the MultiPolygon the area targeting made of its specification
(wards of a generation, a drawn polygon, or a radius around a point), with the
specification kept beside it so staff see what they asked for. An answer set keeps the
resident's exact point (never public: results are counted per ward only), the ward under
it on the day of the answer, and only the keyed hash of the resident.
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.utils.translation import gettext_lazy as _


class SurveyStatus(models.TextChoices):
    """Where a survey is in its life: drafted, published (frozen questions), closed."""

    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Closed")


class QuestionKind(models.TextChoices):
    """What kind of answer a question takes."""

    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    SCALE = "scale", _("Scale 1-5")
    NUMBER = "number", _("Number")
    TEXT = "text", _("Free text")


CHOICE_KINDS = {QuestionKind.SINGLE, QuestionKind.MULTIPLE}


class Survey(models.Model):
    """A survey of the residents of an area over a time window."""

    title_vi = models.CharField(max_length=200)
    title_en = models.CharField(max_length=200, blank=True)
    description_vi = models.TextField(blank=True)
    description_en = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField(help_text=_("Answers are taken before this instant."))
    area_kind = models.CharField(max_length=10, help_text=_("wards, polygon or radius."))
    area_spec = models.JSONField(help_text=_("The target area as staff specified it."))
    area = models.MultiPolygonField(srid=4326, spatial_index=True)
    area_center = models.PointField(srid=4326, null=True, blank=True)
    area_radius_m = models.FloatField(
        null=True, blank=True, help_text=_("A radius area is decided by distance.")
    )
    ward_codes = ArrayField(models.CharField(max_length=10), default=list, blank=True)
    area_generation = models.CharField(max_length=50, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "opens_at", "closes_at"])]

    def __str__(self) -> str:
        return self.title_vi


class Question(models.Model):
    """One question of a survey; frozen once the survey is published."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=QuestionKind.choices)
    required = models.BooleanField(default=False)
    text_vi = models.CharField(max_length=500)
    text_en = models.CharField(max_length=500, blank=True)
    choices = models.JSONField(
        default=list, blank=True, help_text=_("For choice questions: [{code, vi, en}].")
    )
    min_value = models.FloatField(null=True, blank=True)
    max_value = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["survey", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "order"], name="question_order_per_survey")
        ]

    def __str__(self) -> str:
        return self.text_vi


class AnswerSet(models.Model):
    """One resident's answers to one survey (changeable until it closes)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="answer_sets")
    resident_key = models.CharField(max_length=128, help_text=_("Keyed hash of the resident."))
    point = models.PointField(srid=4326, help_text=_("Exact; never public."))
    ward = models.ForeignKey(
        "layers.AdministrativeArea",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answers = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "resident_key"], name="one_answer_set_per_resident"
            )
        ]
