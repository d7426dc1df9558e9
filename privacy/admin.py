"""Personal data in the admin, read-only: residents' requests with their audit trail, and
the log of staff reads of contact details. Requests are answered through the API
(``privacy.services.decide``), so every action is in the trail; neither log can be edited."""

from django.contrib import admin

from feedback.models import ContactAccess
from privacy.models import DataRequest, DataRequestEvent


class ReadOnly(admin.ModelAdmin):
    """No adding, changing or deleting."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class EventInline(admin.TabularInline):
    """A request's audit trail."""

    model = DataRequestEvent
    extra = 0
    can_delete = False
    readonly_fields = ("at", "username", "action", "detail")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DataRequest)
class DataRequestAdmin(ReadOnly):
    """Residents' requests: kind, status, due time, who answered."""

    list_display = ("id", "kind", "status", "requester", "received_at", "due_at", "answered_at")
    list_filter = ("kind", "status")
    date_hierarchy = "received_at"
    inlines = [EventInline]


@admin.register(ContactAccess)
class ContactAccessAdmin(ReadOnly):
    """Who read which reporter's contact details, when, and where."""

    list_display = ("at", "username", "tracking_code", "fields", "via")
    list_filter = ("via",)
    search_fields = ("username", "tracking_code")
    date_hierarchy = "at"
