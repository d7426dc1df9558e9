"""Import jobs in the admin: read-only (jobs are made by uploads and run by the worker)."""

from django.contrib import admin

from importers.models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Who imported what, when, and how it ended."""

    list_display = ("file_name", "layer", "status", "rows_read", "created_by", "created_at")
    list_filter = ("status",)
    search_fields = ("file_name", "params__layer")
    readonly_fields = [f.name for f in ImportJob._meta.fields]

    @admin.display(description="layer")
    def layer(self, job: ImportJob) -> str:
        return job.params.get("layer", "")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
