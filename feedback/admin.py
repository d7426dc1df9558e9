"""Feedback in the admin: the category catalogue, staff roles, and items for inspection.

Items change only through the workflow (``feedback.workflow``): here they are read-only, so
that no step bypasses the table of allowed transitions or the timeline.
"""

from django.contrib import admin

from feedback.contact_reads import contact_details_shown
from feedback.models import (
    FeedbackCategory,
    FeedbackEvent,
    FeedbackItem,
    FeedbackPhoto,
    StaffMembership,
)


@admin.register(FeedbackCategory)
class FeedbackCategoryAdmin(admin.ModelAdmin):
    """The managed catalogue: names, deadline, public precision, active or not."""

    list_display = (
        "code",
        "name_vi",
        "name_en",
        "deadline_amount",
        "deadline_unit",
        "public_precision_m",
        "is_active",
        "sort_order",
    )
    list_editable = ("is_active", "sort_order")
    search_fields = ("code", "name_vi", "name_en")


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin):
    """Who holds which feedback role (ward staff: for which ward code)."""

    list_display = ("user", "role", "ward_code")
    list_filter = ("role",)
    search_fields = ("user__username", "ward_code")
    autocomplete_fields = ("user",)


class EventInline(admin.TabularInline):
    """The item's timeline."""

    model = FeedbackEvent
    extra = 0
    can_delete = False
    readonly_fields = (
        "at",
        "actor",
        "actor_role",
        "from_status",
        "to_status",
        "note",
        "internal_note",
    )

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(FeedbackItem)
class FeedbackItemAdmin(admin.ModelAdmin):
    """Items, read-only: the workflow moves them, with its checks and its timeline."""

    list_display = ("tracking_code", "category", "status", "ward", "channel", "created_at")
    list_filter = ("status", "category", "channel")
    search_fields = ("tracking_code", "description")
    date_hierarchy = "created_at"
    inlines = [EventInline]
    list_select_related = ("category", "ward")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The item's page; showing its reporter's contact details is logged (privacy)."""
        response = super().change_view(request, object_id, form_url, extra_context)
        item = self.get_object(request, object_id) if response.status_code == 200 else None
        if item is not None:
            contact_details_shown(request.user, item, via="admin:feedbackitem")
        return response


@admin.register(FeedbackPhoto)
class FeedbackPhotoAdmin(admin.ModelAdmin):
    """Photos: staff flag those showing a face or a number plate (``has_personal_data``),
    which the retention job and erasure requests delete; nothing else is editable."""

    list_display = ("item", "position", "content_type", "width", "height", "has_personal_data")
    list_editable = ("has_personal_data",)
    list_filter = ("has_personal_data",)
    search_fields = ("item__tracking_code",)
    list_select_related = ("item",)
    fields = (
        "item",
        "position",
        "content_type",
        "width",
        "height",
        "size",
        "sha256",
        "created_at",
        "has_personal_data",
    )
    readonly_fields = (
        "item",
        "position",
        "content_type",
        "width",
        "height",
        "size",
        "sha256",
        "created_at",
    )

    def get_queryset(self, request):
        """Photos without their bytes (the list never shows them)."""
        return super().get_queryset(request).defer("data")

    def has_add_permission(self, request) -> bool:
        return False
