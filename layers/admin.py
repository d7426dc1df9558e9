"""Django admin for boundary generations and areas (read-mostly: imports change them)."""

from django.contrib import admin
from django.contrib.gis.admin import GISModelAdmin

from layers.models import AdministrativeArea, BoundaryGeneration, WardSuccession


@admin.register(BoundaryGeneration)
class BoundaryGenerationAdmin(admin.ModelAdmin):
    """Generations with their periods of validity."""

    list_display = ["slug", "name", "valid_from", "valid_to"]


@admin.register(AdministrativeArea)
class AdministrativeAreaAdmin(GISModelAdmin):
    """Areas with a map widget; search works with or without diacritics."""

    list_display = ["code", "name", "level", "area_type", "generation", "geometry_is_synthetic"]
    list_filter = ["generation", "level", "area_type", "geometry_is_synthetic"]
    search_fields = ["code", "name", "name_search"]
    raw_id_fields = ["parent"]
    readonly_fields = ["name_search"]


@admin.register(WardSuccession)
class WardSuccessionAdmin(admin.ModelAdmin):
    """Old-to-new ward links of the 2025 reform."""

    list_display = ["old_area", "new_area", "is_whole", "is_default"]
    list_select_related = ["old_area__generation", "new_area__generation"]
    search_fields = ["old_area__name", "new_area__name", "old_area__code", "new_area__code"]
