"""The "survey_results" layer, declared once: for each published or closed survey, the
wards its answers came from with how many answered there, k-suppressed as the results are
(``sql/participation_by_ward.sql``), for a choropleth of participation."""

from django.utils.translation import gettext as _
from psycopg import sql

from layers.spec import Field, LayerPaint, LayerSpec, SourceTable, ValuePaint
from surveys.results import min_cell
from surveys.sql import load_sql

SLUG = "survey_results"


def participation_sql() -> str:
    """The participation query with k filled in (a trusted literal), as SQL text."""
    statement = sql.SQL(load_sql("participation_by_ward")).format(min_cell=sql.Literal(min_cell()))
    return statement.as_string(None)


def survey_results_spec() -> LayerSpec:
    """Wards with each survey's participation there (null where suppressed)."""
    # The query's text goes into the spec's FROM clause, whose braces format params.
    counted = participation_sql().replace("{", "{{").replace("}", "}}")
    return LayerSpec(
        slug=SLUG,
        title=_("Survey participation"),
        description=_(
            "For each published survey, the wards its answers came from and how many "
            "answered there; counts under the minimum cell size are not shown."
        ),
        geometry_type="MultiPolygon",
        from_sql=(
            "(" + counted + ") AS p JOIN layers_administrativearea AS t ON t.id = p.ward_id "
            "JOIN surveys_survey AS s ON s.id = p.survey_id"
        ),
        id_sql="s.id::text || '-' || t.code",
        id_type="string",
        fields=(
            Field("survey", "integer", _("Survey"), sql="s.id"),
            Field("title", "string", _("Survey title"), sql="s.title_vi"),
            Field("status", "string", _("Status"), sql="s.status"),
            Field("code", "string", _("Ward code"), sql="t.code"),
            Field("name", "string", _("Ward"), sql="t.name"),
            Field(
                "answered",
                "integer",
                _("Answered"),
                sql="CASE WHEN p.suppressed THEN NULL ELSE p.n END",
            ),
            Field("suppressed", "boolean", _("Suppressed"), sql="p.suppressed"),
        ),
        sources=(
            SourceTable("surveys_answerset", geom_column=None),
            SourceTable("surveys_survey", geom_column=None),
        ),
        shown=False,  # a choropleth over every ward: the reader turns it on
        paint=LayerPaint(
            colour="#6a51a3",
            fill_opacity=0.45,
            width=1.0,
            key="suppressed",
            values=(ValuePaint("true", colour="#bdbdbd", fill_opacity=0.15),),
        ),
    )
