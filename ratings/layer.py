"""The "ward_satisfaction" layer, declared once: the wards of the current period's boundary
generation with that period's satisfaction, painted as a choropleth by the rounded score
(grey where there are not enough ratings). Any write to the ratings forgets all its tiles."""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg.sql import Literal

from layers.spec import Field, LayerPaint, LayerSpec, SourceTable, ValuePaint
from ratings.periods import period_of
from ratings.queries import min_sample, ward_scores_sql

SLUG = "ward_satisfaction"
NOT_ENOUGH = "not_enough"
# ColorBrewer RdYlGn (5 classes): 1 (red) .. 5 (green).
BAND_COLOURS = {"1": "#d7191c", "2": "#fdae61", "3": "#ffffbf", "4": "#a6d96a", "5": "#1a9641"}


def ward_satisfaction_spec(today: date | None = None) -> LayerSpec:
    """Wards with this period's count, mean, score and whether the sample is enough."""
    period = period_of(today or timezone.localdate())
    scores = ward_scores_sql(period.start, min_sample()).as_string(None)
    # The aggregate's text goes into the spec's FROM clause, whose braces format params.
    from_sql = (
        "layers_administrativearea AS t JOIN ("
        + scores.replace("{", "{{").replace("}", "}}")
        + ") AS s ON s.ward_id = t.id"
    )
    return LayerSpec(
        slug=SLUG,
        title=_("Ward satisfaction"),
        description=_(
            "Residents' ratings of their ward this period: how many, the mean (1–5) and a "
            "score shrunk towards the city mean; wards with too few ratings are not scored."
        ),
        geometry_type="MultiPolygon",
        from_sql=from_sql,
        id_sql="t.code",
        id_type="string",
        fields=(
            Field("code", "string", _("Ward code"), sql="t.code"),
            Field("name", "string", _("Ward"), sql="t.name"),
            Field("period", "string", _("Period"), sql=Literal(period.label).as_string(None)),
            Field("count", "integer", _("Ratings"), sql="s.n"),
            Field("mean", "number", _("Mean rating"), sql="round(s.mean::numeric, 4)::float8"),
            Field("score", "number", _("Score"), sql="round(s.score::numeric, 4)::float8"),
            Field("rank", "integer", _("Rank"), sql="s.rank"),
            Field("enough", "boolean", _("Enough ratings"), sql="s.enough"),
            Field(
                "band",
                "string",
                _("Score band"),
                sql=f"CASE WHEN s.enough THEN round(s.score)::int::text ELSE '{NOT_ENOUGH}' END",
            ),
        ),
        sources=(
            SourceTable("ratings_wardrating", geom_column=None),
            SourceTable("layers_administrativearea"),
        ),
        shown=False,  # a choropleth over every ward: the reader turns it on
        paint=LayerPaint(
            colour="#969696",
            fill_opacity=0.6,
            width=1.0,
            key="band",
            values=(
                *(ValuePaint(band, colour=colour) for band, colour in BAND_COLOURS.items()),
                ValuePaint(NOT_ENOUGH, colour="#bdbdbd", fill_opacity=0.15),
            ),
        ),
    )
