"""Feedback in the admin: the category catalogue, staff roles, and items for inspection.

Items change only through the workflow (``feedback.workflow``): here they are read-only, so
that no step bypasses the table of allowed transitions or the timeline.
"""

from django.contrib import admin

from feedback.models import FeedbackCategory, FeedbackEvent, FeedbackItem, StaffMembership


@admin.register(FeedbackCategory)
class FeedbackCategoryAdmin(admin.ModelAdmin):
    """The managed catalogue: names, deadline, public precision, active or not."""

    list_display = (
        "code",
        "name_vi",
        "name_en",
        "deadline_hours",
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
