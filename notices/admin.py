"""Notices in the admin: read and correct texts (areas are set through the API)."""

from django.contrib.gis import admin

from notices.models import Notice


@admin.register(Notice)
class NoticeAdmin(admin.GISModelAdmin):
    """Notices by status, category and window."""

    list_display = ("title_vi", "category", "severity", "status", "starts_at", "ends_at")
    list_filter = ("status", "category", "severity")
    search_fields = ("title_vi", "title_en")
    readonly_fields = ("created_by", "created_at", "updated_at", "published_at", "withdrawn_at")
