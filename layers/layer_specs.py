"""The layers this app declares: administrative areas, facilities, and each imported layer
(registered by ``layers/apps.py``)."""

import zlib
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from layers.models import Layer
from layers.spec import (
    FIELD_TYPES,
    Field,
    LayerPaint,
    LayerSpec,
    SourceTable,
    ValuePaint,
    can_see_restricted_layers,
)

# Facilities by their category's group (FacilityCategory.group); other groups grey.
FACILITY_GROUP_COLOURS = {
    "administration": "#b22222",
    "public_safety": "#1f3d7a",
    "health": "#d62728",
    "education": "#ff7f0e",
    "commerce": "#9467bd",
    "public_space": "#2ca02c",
    "sanitation": "#17becf",
}
# Imported layers: one colour per layer, stable across restarts (crc32 of the slug).
IMPORTED_PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b")
# Every imported layer reads layers_feature; a changed row names its layer by its Layer.
IMPORTED_SOURCES = (
    SourceTable(
        "layers_feature", layer_sql="l.slug", join_sql="JOIN layers_layer AS l ON l.id = r.layer_id"
    ),
)


def areas_spec(today: date | None = None) -> LayerSpec:
    """Administrative areas of the generation valid ``today`` (all levels)."""
    return LayerSpec(
        slug="areas",
        title=_("Administrative areas"),
        description=_(
            "Wards, communes, the special zone and the city of the boundary generation valid "
            "today. Demo ward shapes are synthetic; codes and names are official."
        ),
        geometry_type="MultiPolygon",
        from_sql=(
            "layers_administrativearea AS t "
            "JOIN layers_boundarygeneration AS g ON g.id = t.generation_id "
            "LEFT JOIN layers_administrativearea AS p ON p.id = t.parent_id"
        ),
        where_sql=("g.valid_from <= {today} AND (g.valid_to IS NULL OR g.valid_to >= {today})"),
        params={"today": today or timezone.localdate()},
        id_sql="t.code",
        id_type="string",
        search_sql="t.name_search",
        fields=(
            Field("code", "string", _("GSO code"), sql="t.code"),
            Field("name", "string", _("Name"), sql="t.name"),
            Field("level", "string", _("Level"), sql="t.level"),
            Field("type", "string", _("Type"), sql="t.area_type"),
            Field("parent_code", "string", _("Parent's code"), sql="p.code"),
            Field("generation", "string", _("Boundary generation"), sql="g.slug"),
            Field(
                "official_area_km2", "number", _("Official area (km²)"), sql="t.official_area_km2"
            ),
            Field(
                "geometry_is_synthetic",
                "boolean",
                _("Synthetic demo shape"),
                sql="t.geometry_is_synthetic",
            ),
        ),
        source="vietnamadminunits (MIT), Natural Earth (public domain); see the README",
        licence="MIT (codes, names); public domain (outlines)",
        sources=(
            SourceTable("layers_administrativearea"),
            SourceTable("layers_boundarygeneration", geom_column=None),
        ),
        # Outlines, thicker above the wards; wards lightly filled.
        paint=LayerPaint(
            colour="#2b6c9e",
            fill="#9ecae1",
            fill_opacity=0.0,
            key="level",
            values=(ValuePaint("ward", width=1.0, fill_opacity=0.15),),
        ),
    )


def facilities_spec() -> LayerSpec:
    """Public places: committees, one-stop desks, clinics, schools, markets, toilets."""
    return LayerSpec(
        slug="facilities",
        title=_("Public facilities"),
        description=_(
            "People's Committee offices, one-stop desks, hospitals and clinics, schools, "
            "police, markets, parks, toilets, water and waste points."
        ),
        geometry_type="Point",
        from_sql=(
            "layers_facility AS t "
            "JOIN layers_facilitycategory AS c ON c.id = t.category_id "
            "LEFT JOIN layers_administrativearea AS w ON w.id = t.ward_id"
        ),
        search_sql="t.name_search",
        fields=(
            Field("name", "string", _("Name"), sql="t.name"),
            Field("category", "string", _("Category"), sql="c.code"),
            Field("category_name", "string", _("Category (Vietnamese)"), sql="c.name_vi"),
            Field("category_name_en", "string", _("Category (English)"), sql="c.name_en"),
            Field("category_group", "string", _("Category group"), sql='c."group"'),
            Field("address", "string", _("Address"), sql="t.address"),
            Field("phone", "string", _("Phone"), sql="t.phone"),
            Field("opening_hours", "string", _("Opening hours"), sql="t.opening_hours"),
            Field("ward_code", "string", _("Ward code"), sql="w.code"),
            Field("ward_name", "string", _("Ward"), sql="w.name"),
            Field(
                "attributes",
                "object",
                _("Other attributes"),
                sql="t.attributes - 'demo_key'",
                filterable=False,
                sortable=False,
            ),
            Field("updated_at", "datetime", _("Updated"), sql="t.updated_at"),
            Field("staff_notes", "string", _("Staff notes"), sql="t.staff_notes", public=False),
        ),
        source=_("Demo data: synthetic facilities, not real places (see the README)"),
        cluster_below=12,
        group_by="category",
        sources=(
            SourceTable("layers_facility"),
            SourceTable("layers_facilitycategory", geom_column=None),
        ),
        paint=LayerPaint(
            colour="#5a5a5a",
            key="category_group",
            values=tuple(ValuePaint(g, colour=c) for g, c in FACILITY_GROUP_COLOURS.items()),
        ),
    )


def imported_spec(layer: Layer) -> LayerSpec:
    """An imported layer: its attribute schema becomes its properties."""
    fields = []
    for item in layer.attribute_schema or []:
        kind = item.get("type", "string")
        fields.append(
            Field(
                name=item["name"],
                type=kind if kind in FIELD_TYPES else "string",
                title=item.get("title", ""),
                attribute=item["name"],
                public=bool(item.get("public", True)),
                filterable=kind != "object",
                sortable=kind != "object",
            )
        )
    return LayerSpec(
        slug=layer.slug,
        title=layer.title,
        description=layer.description,
        geometry_type=layer.geometry_type,
        from_sql="layers_feature AS t",
        where_sql="t.layer_id = {layer_id}",
        params={"layer_id": layer.id},
        search_sql="t.name_search" if layer.name_attribute else None,
        time_sql="t.time" if layer.time_attribute else None,
        fields=tuple(fields),
        public=layer.is_public,
        kind="imported",
        source=layer.source,
        licence=layer.licence,
        layer_id=layer.id,
        cluster_below=12 if layer.geometry_type in ("Point", "MultiPoint") else None,
        group_by=", ".join(layer.cluster_attributes or []) or None,
        sources=IMPORTED_SOURCES,
        paint=LayerPaint(colour=imported_colour(layer.slug)),
    )


def imported_colour(slug: str) -> str:
    """The colour of an imported layer: the same in every output and across restarts."""
    return IMPORTED_PALETTE[zlib.crc32(slug.encode()) % len(IMPORTED_PALETTE)]


def imported_layers(user, leave_out: frozenset[str]) -> list[LayerSpec]:
    """The imported layers this user may see, by slug, but those named in ``leave_out``."""
    imported = Layer.objects.filter(is_hidden=False).exclude(slug__in=leave_out)
    if not can_see_restricted_layers(user):
        imported = imported.filter(is_public=True)
    return [imported_spec(layer) for layer in imported.order_by("slug")]


def imported_layer(slug: str, user) -> LayerSpec | None:
    """The imported layer named ``slug`` if this user may see it, else None."""
    layer = Layer.objects.filter(slug=slug, is_hidden=False).first()
    if layer is None or not (layer.is_public or can_see_restricted_layers(user)):
        return None
    return imported_spec(layer)
