"""Django admin for boundaries (read-mostly: imports change them), facilities and layers."""

from django.contrib import admin
from django.contrib.gis.admin import GISModelAdmin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from layers.facilities import assign_wards
from layers.models import (
    AdministrativeArea,
    BoundaryGeneration,
    Facility,
    FacilityCategory,
    Feature,
    Layer,
    WardSuccession,
)
from layers.names import search_form
from layers.registry import builtin_specs


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


@admin.register(FacilityCategory)
class FacilityCategoryAdmin(admin.ModelAdmin):
    """The categories of facilities, in Vietnamese and English."""

    list_display = ["code", "name_vi", "name_en", "group", "sort_order"]
    list_filter = ["group"]
    search_fields = ["code", "name_vi", "name_en"]


@admin.register(Facility)
class FacilityAdmin(GISModelAdmin):
    """Facilities with a map widget; the ward follows from the location (``assign_wards``)."""

    list_display = ["name", "category", "ward"]
    list_filter = ["category"]
    list_select_related = ["category", "ward"]
    search_fields = ["name", "name_search"]
    readonly_fields = ["ward", "name_search", "updated_at"]

    def save_model(self, request, obj, form, change):
        """Save, then put the facility in the ward that holds its point (the one ward rule)."""
        super().save_model(request, obj, form, change)
        assign_wards([obj.pk])
        obj.refresh_from_db(fields=["ward", "updated_at"])


@admin.register(Layer)
class LayerAdmin(admin.ModelAdmin):
    """Layers imported by GIS staff: description, attribute schema, visibility. The list
    shows the layers declared in code too (the registry), whose slugs a new layer may not
    take (``Layer.clean``)."""

    list_display = ["slug", "title", "geometry_type", "is_public", "is_hidden", "updated_at"]
    list_filter = ["geometry_type", "is_public", "is_hidden"]
    search_fields = ["slug", "title"]
    readonly_fields = ["created_at", "updated_at"]
    change_list_template = "admin/layers/layer/change_list.html"

    def changelist_view(self, request, extra_context=None):
        """The imported layers, under a table of the registered ones."""
        registered = [
            {
                "slug": spec.slug,
                "title": spec.title,
                "geometry_type": spec.geometry_type,
                "colour": spec.paint.colour,
                "zooms": f"{spec.minzoom}-{spec.maxzoom}",
                "public": spec.public,
                "staff_fields": ", ".join(f.name for f in spec.fields if not f.public),
            }
            for spec in builtin_specs()
        ]
        context = {**(extra_context or {}), "registered_layers": registered}
        return super().changelist_view(request, extra_context=context)


@admin.register(Feature)
class FeatureAdmin(GISModelAdmin):
    """Features of imported layers, with a map widget.

    Built for layers of a million features: the newest first (each partition's primary key
    gives them in order, where the model's ordering by layer sorted every row: 1.6 s on 3.5
    million), no count of every feature when a filter or search narrows the list, and a
    search on the diacritic-free name through its trigram index (with or without
    diacritics, as everywhere else) or on the exact key, where ``icontains`` on the name
    read every row."""

    list_display = ["id", "name", "layer", "time"]
    list_filter = ["layer"]
    list_select_related = ["layer"]
    ordering = ["-id"]
    show_full_result_count = False
    search_fields = ["name_search"]
    search_help_text = _("Name (with or without diacritics) or the exact key.")
    readonly_fields = ["name_search"]

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        folded = search_form(term)
        matches = Q(source_key=term)
        if folded:
            matches |= Q(name_search__contains=folded)
        return queryset.filter(matches), False
