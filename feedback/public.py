"""What the public sees of feedback: the "feedback" layer of the common map.

Declared once in the layer registry, so the GeoJSON API, OGC API Features, the exports and
the vector tiles all serve the same public fields: no reporter (name, phone, e-mail,
account), no address text, no service account, and the location from ``public_geom`` (the
exact point snapped to the category's grid by the database). Rejected and merged items are
not shown (the item merged into carries the report).
"""

from django.utils.translation import gettext as _

from layers.spec import Field, LayerPaint, LayerSpec, SourceTable

PUBLIC_STATUSES = ("received", "accepted", "in_progress", "awaiting_info", "resolved", "closed")


def feedback_spec() -> LayerSpec:
    """The public feedback layer."""
    return LayerSpec(
        slug="feedback",
        title=_("Citizen feedback"),
        description=_(
            "Problems residents reported (street lights, flooding, litter, noise, pavements) "
            "and where each stands. Locations are approximate for some categories; the "
            "reporters' details are never published."
        ),
        geometry_type="Point",
        from_sql=(
            "feedback_feedbackitem AS t "
            "JOIN feedback_feedbackcategory AS c ON c.id = t.category_id "
            "JOIN layers_administrativearea AS w ON w.id = t.ward_id"
        ),
        where_sql="t.status = ANY ({public_statuses}::text[])",
        params={"public_statuses": list(PUBLIC_STATUSES)},
        id_sql="t.tracking_code",
        id_type="string",
        geom_sql="t.public_geom",
        time_sql="t.created_at",
        fields=(
            Field("tracking_code", "string", _("Tracking code"), sql="t.tracking_code"),
            Field("category", "string", _("Category"), sql="c.code"),
            Field("category_name", "string", _("Category (Vietnamese)"), sql="c.name_vi"),
            Field("category_name_en", "string", _("Category (English)"), sql="c.name_en"),
            Field("status", "string", _("Status"), sql="t.status"),
            Field(
                "description",
                "string",
                _("Description"),
                sql="t.description",
                filterable=False,
                sortable=False,
            ),
            Field("channel", "string", _("Channel"), sql="t.channel"),
            Field("ward_code", "string", _("Ward code"), sql="w.code"),
            Field("ward_name", "string", _("Ward"), sql="w.name"),
            Field(
                "location_precision_m",
                "integer",
                _("Location precision (m)"),
                sql="c.public_precision_m",
            ),
            Field("created_at", "datetime", _("Reported"), sql="t.created_at"),
            Field("updated_at", "datetime", _("Updated"), sql="t.updated_at"),
            Field("deadline_at", "datetime", _("Deadline"), sql="t.deadline_at"),
            Field("resolved_at", "datetime", _("Resolved"), sql="t.resolved_at"),
            Field("rating", "integer", _("Rating (1-5)"), sql="t.rating"),
        ),
        source=_("Residents' reports to the city (hotline 1022, app, web)"),
        # Reports arrive one at a time from many clients: their triggers append deltas
        # (no row locks), compacted into the pyramid every minute (tiles/cell_deltas.py).
        cluster_below=12,
        cluster_source="deltas",
        group_by="category, status",
        # Tiles show the public point: a move forgets the boxes it left and entered.
        sources=(
            SourceTable("feedback_feedbackitem", geom_column="public_geom"),
            SourceTable("feedback_feedbackcategory", geom_column=None),
        ),
        paint=LayerPaint(colour="#e6550d"),
    )
