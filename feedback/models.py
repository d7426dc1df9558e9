"""Feedback items, their categories, their timeline, and who may act on them.

A resident's report is a ``FeedbackItem``: a public tracking code, a category from the
managed catalogue, a point (exact, seen by staff; coarsened for the public per category),
the ward that must solve it (from the location, under the current boundary generation), and
the reporter's contact details, which never leave the staff side. Every change of status is
a ``FeedbackEvent``: the timeline the resident follows.
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from layers.models import AdministrativeArea


class DeadlineUnit(models.TextChoices):
    """How a category's deadline is counted."""

    HOURS = "hours", _("Hours (calendar)")
    WORKING_HOURS = "working_hours", _("Working hours")
    WORKING_DAYS = "working_days", _("Working days")


class FeedbackCategory(models.Model):
    """A kind of problem residents report, with its deadline and public precision."""

    code = models.SlugField(max_length=40, unique=True)
    name_vi = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    description_vi = models.TextField(blank=True)
    description_en = models.TextField(blank=True)
    deadline_amount = models.PositiveIntegerField(
        help_text=_("How long the ward has to resolve an item of this category (in the unit).")
    )
    deadline_unit = models.CharField(
        max_length=14,
        choices=DeadlineUnit.choices,
        default=DeadlineUnit.HOURS,
        help_text=_("Working days and hours are counted on the city's calendar (workdays)."),
    )
    retention_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text=_(
            "Days after the item is closed that the reporter's personal data is kept "
            "(empty: the privacy setting's default)."
        ),
    )
    repeat_window_days = models.PositiveIntegerField(
        default=30,
        help_text=_("A report of this category near one resolved this many days ago is a repeat."),
    )
    public_precision_m = models.PositiveIntegerField(
        default=0,
        help_text=_("Public outputs snap the location to a grid of this many metres (0: exact)."),
    )
    is_active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name_plural = "feedback categories"

    def __str__(self) -> str:
        return self.code


class Channel(models.TextChoices):
    """How the item reached the city."""

    APP = "app", _("App")
    WEB = "web", _("Web")
    HOTLINE = "hotline", _("Hotline 1022")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    """Where an item is in its workflow (``feedback.workflow`` holds the transitions)."""

    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    # Staff asked the resident for more information: the deadline's clock is paused.
    AWAITING_INFO = "awaiting_info", _("Waiting for the resident")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    MERGED = "merged", _("Merged")


OPEN_STATUSES = (Status.RECEIVED, Status.ACCEPTED, Status.IN_PROGRESS, Status.AWAITING_INFO)


class FeedbackItem(models.Model):
    """One report: what, where, which ward, where it is in the workflow, and who sent it."""

    tracking_code = models.CharField(max_length=16, unique=True, editable=False)
    category = models.ForeignKey(FeedbackCategory, on_delete=models.PROTECT, related_name="items")
    description = models.TextField()
    channel = models.CharField(max_length=10, choices=Channel.choices)
    geom = models.PointField(srid=4326, spatial_index=True, help_text=_("The exact location."))
    # Set by the database (migration 0004) from geom and the category's precision.
    public_geom = models.PointField(
        srid=4326,
        null=True,
        editable=False,
        help_text=_("The location shown publicly: snapped to the category's grid."),
    )
    address_text = models.CharField(max_length=500, blank=True)
    ward = models.ForeignKey(AdministrativeArea, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RECEIVED)
    rejection_reason = models.TextField(blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_items"
    )
    # Private: never in a public API, tile or export.
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback_items",
    )
    reporter_name = models.CharField(max_length=200, blank=True)
    reporter_phone = models.CharField(max_length=40, blank=True)
    reporter_email = models.EmailField(blank=True)
    api_key = models.ForeignKey(
        "apikeys.ApiKey",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The service account that sent it (Open311 or the API), if any."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deadline_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rating_comment = models.TextField(blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    # The deadline's clock: paused while waiting for the resident (feedback.deadlines).
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(
        default=0, help_text=_("Time already paused, in the deadline's own unit of seconds.")
    )
    # A report of the same category at the same place soon after a resolution.
    repeat_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="repeats"
    )
    # What the reporter agreed to (Decree 13/2023): the purpose and the notice's version.
    consent_purpose = models.CharField(max_length=60, blank=True)
    consent_notice_version = models.CharField(max_length=40, blank=True)
    consent_at = models.DateTimeField(null=True, blank=True)
    # Set when the retention job or an erasure request removed the personal fields.
    personal_erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["ward", "status"]),
            models.Index(fields=["category", "status"]),
            models.Index(fields=["created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="feedback_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="merged") | models.Q(merged_into__isnull=False),
                name="feedback_merged_has_target",
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_code


class FeedbackEvent(models.Model):
    """One step of an item's timeline: who moved it, when, from what to what, and why (a
    public note the resident reads, and an internal one for staff)."""

    item = models.ForeignKey(FeedbackItem, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_role = models.CharField(max_length=20)
    from_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Status.choices)
    note = models.TextField(blank=True, help_text=_("Public: shown on the tracking page."))
    # Private: for staff only, never on the tracking page, in Open311 or the public API.
    internal_note = models.TextField(
        blank=True, help_text=_("Staff only: never shown to the reporter or the public.")
    )

    class Meta:
        ordering = ["item", "at", "id"]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.from_status} → {self.to_status}"


class Role(models.TextChoices):
    """Who someone is to the feedback workflow (``feedback.workflow`` says what each may do)."""

    RESIDENT = "resident", _("Resident")
    OPERATOR = "operator", _("Hotline operator")
    WARD_STAFF = "ward_staff", _("Ward staff")
    CITY_STAFF = "city_staff", _("District/city staff")
    LEADER = "leader", _("Leader (read-only)")
    # Reads the log of staff reads of reporters' contact details (privacy); nothing else.
    AUDITOR = "auditor", _("Auditor")
    ADMIN = "admin", _("Administrator")


class StaffMembership(models.Model):
    """A staff role held by a user; ward staff hold it for one ward (by its official code)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feedback_roles"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    ward_code = models.CharField(
        max_length=10, blank=True, help_text=_("For ward staff: the ward's official code.")
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "ward_code"], name="one_membership"),
            models.CheckConstraint(
                condition=~models.Q(role="ward_staff") | ~models.Q(ward_code=""),
                name="ward_staff_has_a_ward",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.role} {self.ward_code}".strip()


class FeedbackPhoto(models.Model):
    """A photo of an item, stored as re-encoded without any metadata (no EXIF, no GPS)."""

    item = models.ForeignKey(FeedbackItem, on_delete=models.CASCADE, related_name="photos")
    position = models.PositiveSmallIntegerField()
    content_type = models.CharField(max_length=40)
    data = models.BinaryField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    # Flagged by staff: shows a face or a number plate (erased with the personal data).
    has_personal_data = models.BooleanField(default=False)

    class Meta:
        ordering = ["item", "position"]
        constraints = [
            models.UniqueConstraint(fields=["item", "position"], name="photo_position_once"),
        ]


class IdempotencyRecord(models.Model):
    """A submission's ``Idempotency-Key``: the same key from the same caller gets the same item.

    ``scope`` is who asked (a user, a service account, or anonymous); ``fingerprint`` is a
    hash of the request, so that a key reused for a different report is refused.
    """

    scope = models.CharField(max_length=60)
    key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64)
    item = models.ForeignKey(FeedbackItem, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="idempotency_key_once"),
        ]


class RateWindow(models.Model):
    """Hits of one client in one fixed window (anonymous submissions), shared by all workers."""

    bucket = models.CharField(max_length=100)
    window_start = models.DateTimeField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bucket", "window_start"], name="rate_window_once"),
        ]
        indexes = [models.Index(fields=["window_start"])]


class Verdict(models.TextChoices):
    """What a resident says of a resolution."""

    CONFIRMED = "confirmed", _("Confirmed")
    DISPUTED = "disputed", _("Disputed")


class FeedbackVerification(models.Model):
    """A resident confirming or disputing a resolution: the item's reporter, or the reporter
    of an item merged into it. One per resident per resolution (``resolved_at``)."""

    item = models.ForeignKey(FeedbackItem, on_delete=models.CASCADE, related_name="verifications")
    # The item through which the resident reported the problem (the item or a merged one).
    via_item = models.ForeignKey(FeedbackItem, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(help_text=_("The resolution this verdict is about."))
    verdict = models.CharField(max_length=10, choices=Verdict.choices)
    reason = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item", "at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "via_item", "resolved_at"], name="one_verdict_per_resolution"
            ),
            models.CheckConstraint(
                condition=~models.Q(verdict="disputed") | ~models.Q(reason=""),
                name="dispute_has_reason",
            ),
        ]


class ContactAccess(models.Model):
    """A staff read of a reporter's contact details: who, when, which item, which fields.
    Written by the app, never changed: the database refuses UPDATE and DELETE (migration)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(max_length=150)
    item = models.ForeignKey(FeedbackItem, on_delete=models.SET_NULL, null=True, related_name="+")
    tracking_code = models.CharField(max_length=16)
    fields = models.CharField(max_length=200)
    via = models.CharField(max_length=60, help_text=_("The page or API that showed them."))
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "contact accesses"
