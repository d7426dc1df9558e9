"""API keys in the admin: listed and revoked there; created with ``create_api_key``."""

from django.contrib import admin
from django.utils import timezone

from apikeys.models import ApiKey


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Read-only apart from revoking: a key's secret exists only where it was printed."""

    list_display = ("prefix", "name", "scopes", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("name", "prefix", "key_hash", "scopes", "created_at", "last_used_at")
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Revoke the selected keys")
    def revoke(self, request, queryset):
        queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
