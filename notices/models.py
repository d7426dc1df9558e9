"""A notice to residents of an area for a time: a water cut, flooding, a vaccination day."""

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """What the notice is about."""

    WATER_CUT = "water_cut", _("Water cut")
    FLOODING = "flooding", _("Flooding")
    VACCINATION = "vaccination", _("Vaccination day")
    ROAD_WORKS = "road_works", _("Road works")
    OTHER = "other", _("Other")


class Severity(models.TextChoices):
    """How much it matters; lists show the most severe first."""

    INFO = "info", _("Information")
    WARNING = "warning", _("Warning")
    DANGER = "danger", _("Danger")


SEVERITY_RANK = {Severity.INFO: 1, Severity.WARNING: 2, Severity.DANGER: 3}


class Status(models.TextChoices):
    """Draft → published → withdrawn; only a published notice is shown to the public."""

    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class AreaKind(models.TextChoices):
    """How the area was given (``layers.target_areas``)."""

    WARDS = "wards", _("Wards")
    POLYGON = "polygon", _("Drawn polygon")
    RADIUS = "radius", _("Radius around a point")


class Notice(models.Model):
    """A notice with its vi/en text, severity, target area and time window."""

    category = models.CharField(max_length=20, choices=Category.choices)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.INFO)
    title_vi = models.CharField(max_length=200)
    title_en = models.CharField(max_length=200, blank=True)
    body_vi = models.TextField(max_length=5000)
    body_en = models.TextField(max_length=5000, blank=True)
    area_kind = models.CharField(max_length=10, choices=AreaKind.choices)
    area_description = models.CharField(max_length=500)
    area_generation = models.CharField(max_length=50, blank=True)
    ward_codes = ArrayField(
        models.CharField(max_length=10),
        default=list,
        blank=True,
        help_text=_("The wards chosen (a ward set) or reached (a polygon, a radius)."),
    )
    current_wards = ArrayField(
        models.CharField(max_length=10),
        default=list,
        blank=True,
        help_text=_("The wards of the generation in force the area reaches."),
    )
    geom = models.MultiPolygonField(srid=4326, spatial_index=True)
    center = models.PointField(srid=4326, null=True, blank=True)
    radius_m = models.FloatField(null=True, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    swept_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the end of the window was written back (forgetting its tiles)."),
    )

    class Meta:
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="notice_ends_after_it_starts"
            ),
            models.CheckConstraint(
                condition=Q(radius_m__isnull=True) | Q(center__isnull=False),
                name="notice_radius_has_a_centre",
            ),
        ]
        indexes = [models.Index(fields=["status", "ends_at"])]

    def __str__(self) -> str:
        return f"{self.title_vi} ({self.category}, {self.status})"
