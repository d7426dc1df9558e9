"""The "notices" layer of the common map: published notices not yet ended, as polygons.

Declared once in the layer registry (``NoticesConfig.ready()``), so the GeoJSON API, OGC
API Features, vector tiles and the style all serve the same public fields: category,
severity, the titles, the window. Never the author, never a draft or a withdrawn notice.

Ending without a write, and the tile cache. Cached tiles are forgotten only when a row of
``notices_notice`` is written (the triggers built from ``sources``), so a notice whose
window simply runs out would stay in tiles cached before. Decision: the layer's condition
is ``ends_at > now()`` (exact for the uncached outputs: GeoJSON, OGC API), every feature
carries ``starts_at``/``ends_at`` so a client can hide what has ended, and
``notices.services.sweep_ended`` (the ``sweep_notices`` command, run every few minutes by
cron) writes ``swept_at`` on each notice that has ended: that write makes the triggers
forget its tiles, so a tile shows an ended notice at most until the next sweep. Notices
that have not started yet are shown (announced ahead, with their window).
"""

from django.utils.translation import gettext as _

from layers.spec import Field, LayerPaint, LayerSpec, SourceTable, ValuePaint


def notices_spec() -> LayerSpec:
    """The public notices layer, painted by severity."""
    return LayerSpec(
        slug="notices",
        title=_("Notices"),
        description=_(
            "Notices of the city to the residents of an area: water cuts, flooding, "
            "vaccination days, road works; published and not yet ended, with their window."
        ),
        geometry_type="MultiPolygon",
        from_sql="notices_notice AS t",
        where_sql="t.status = 'published' AND t.ends_at > now()",
        id_sql="t.id",
        geom_sql="t.geom",
        time_sql="t.starts_at",
        fields=(
            Field("category", "string", _("Category"), sql="t.category"),
            Field("severity", "string", _("Severity"), sql="t.severity"),
            Field("title_vi", "string", _("Title (Vietnamese)"), sql="t.title_vi"),
            Field("title_en", "string", _("Title (English)"), sql="t.title_en"),
            Field("area", "string", _("Area"), sql="t.area_description", filterable=False),
            Field("starts_at", "datetime", _("Starts"), sql="t.starts_at"),
            Field("ends_at", "datetime", _("Ends"), sql="t.ends_at"),
        ),
        source=_("The city's notices to residents"),
        sources=(SourceTable("notices_notice", geom_column="geom"),),
        paint=LayerPaint(
            colour="#3182bd",
            fill_opacity=0.2,
            key="severity",
            values=(
                ValuePaint("warning", colour="#fd8d3c", fill_opacity=0.25),
                ValuePaint("danger", colour="#de2d26", fill_opacity=0.3),
            ),
        ),
        minzoom=8,
    )
