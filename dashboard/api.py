"""The dashboard API (mounted at /api/v1/dashboard/): leaders' and ward staff's measures,
and the public open-data subset, as JSON, CSV (``format=csv``) or GeoJSON
(``format=geojson``, the areas with their measures, for a choropleth).

Thin views: the query is parsed by ``DashboardParams`` (which also documents it), the
measures come from ``dashboard.measures.compute``, the shapes from ``dashboard.shapes``.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import InvalidParameter
from core.schema import DeclaredParameter, errors, read_query
from dashboard import shapes
from dashboard.access import check_ward_staff_request, scope_for
from dashboard.groups import LEVELS, generation_named
from dashboard.measures import check_level, compute
from dashboard.periods import parse_period
from layers.wards import in_force

FORMATS = ("json", "csv", "geojson")


class DashboardParams(serializers.Serializer):
    """The dashboard's query: which period, generation, level and format."""

    period = DeclaredParameter(
        {"type": "string", "pattern": r"^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$"},
        "A year (2026), a quarter (2026-Q4) or a month (2026-11); the current month if absent.",
    )
    generation = DeclaredParameter(
        {"type": "string", "maxLength": 50},
        "The boundary generation whose wards the items are counted in (slug); today's if "
        "absent. Every generation gives the same city total.",
    )
    level = DeclaredParameter(
        {"type": "string", "enum": list(LEVELS)},
        "ward (default), district or province (the former ones, before 2025), or city.",
    )
    format = DeclaredParameter(
        {"type": "string", "enum": list(FORMATS)}, "json (default), csv or geojson."
    )

    def validate(self, attrs: dict) -> dict:
        """Each parameter parsed; the first bad one is a 400 naming it."""
        period = parse_period(attrs.get("period"))
        generation = generation_named(attrs.get("generation"))
        level = check_level(attrs.get("level"))
        chosen = (attrs.get("format") or "json").strip()
        if chosen not in FORMATS:
            raise InvalidParameter(
                _("Unknown format {format}; use one of {formats}.").format(
                    format=repr(chosen), formats=", ".join(FORMATS)
                ),
                parameter="format",
            )
        if chosen == "geojson" and level == "city":
            raise InvalidParameter(
                _("The city level has no shapes to map; use json or csv."), parameter="format"
            )
        return {"period": period, "generation": generation, "level": level, "format": chosen}


class _FirstRenderer(DefaultContentNegotiation):
    """JSON always: ``format`` is this API's own parameter (csv and geojson are built here)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        """The first (JSON) renderer."""
        return renderers[0], renderers[0].media_type


_MEASURE_PROPS = {
    "code": {"type": "string", "nullable": True},
    "name": {"type": "string"},
    "confirmed": {
        "type": "integer",
        "description": "Leaders: resolutions of the period residents confirmed.",
    },
    "disputed": {
        "type": "integer",
        "description": "Leaders: resolutions of the period residents disputed (reopened).",
    },
    "verification_rate": {
        "type": "number",
        "nullable": True,
        "description": "Leaders: (confirmed + disputed) / (resolved + disputed), percent.",
    },
    "repeats": {
        "type": "integer",
        "description": "Leaders: items created in the period repeating a resolution there.",
    },
}
_ANSWER = {
    "type": "object",
    "properties": {
        "period": {"type": "string"},
        "start": {"type": "string", "format": "date-time"},
        "end": {"type": "string", "format": "date-time"},
        "as_of": {
            "type": "string",
            "format": "date-time",
            "description": "When open/overdue are read: the period's end, or now.",
        },
        "generation": {"type": "string"},
        "level": {"type": "string"},
        "results": {"type": "array", "items": {"type": "object", "properties": _MEASURE_PROPS}},
        "total": {"type": "object", "nullable": True},
    },
}
_RESPONSES = {
    (200, "application/json"): OpenApiResponse(_ANSWER, description="The measures (JSON)."),
    (200, "text/csv"): OpenApiResponse({"type": "string"}, description="format=csv"),
    (200, "application/geo+json"): OpenApiResponse(
        {"type": "object"}, description="format=geojson: the areas with their measures."
    ),
}


class _Board(APIView):
    renderer_classes = [JSONRenderer]
    content_negotiation_class = _FirstRenderer
    public = False

    def answer(self, request, params: dict, ward_codes: frozenset[str] | None = None):
        board = compute(params["period"], params["generation"], params["level"])
        if ward_codes is not None:
            board.rows = [row for row in board.rows if row.code in ward_codes]
            board.total = None
        name = f"dashboard-{board.generation.slug}-{board.level}-{board.period.name}"
        if params["format"] == "csv":
            return shapes.as_csv(board, self.public, name)
        if params["format"] == "geojson":
            return shapes.as_geojson(board, self.public)
        return Response(shapes.as_json(board, self.public))


class LeadersDashboard(_Board):
    """Every measure per ward (or former district, province, city) for leaders; ward staff
    see their own wards."""

    @extend_schema(
        parameters=[DashboardParams],
        responses={**_RESPONSES, **errors(400, 401, 403)},
        summary="Feedback measures per ward and period (leaders, ward staff)",
    )
    def get(self, request):
        """The measures of the asked period, level and generation, in the caller's scope."""
        scope = scope_for(request.user)
        params = read_query(DashboardParams, request.query_params)
        check_ward_staff_request(scope, params["level"], in_force(params["generation"]))
        return self.answer(request, params, None if scope.everything else scope.ward_codes)


class PublicDashboard(_Board):
    """The open-data subset: received, resolved and on-time share per ward; a ward with
    too few items in the period shows "not enough data"."""

    authentication_classes: list = []
    permission_classes: list = []
    public = True

    @extend_schema(
        parameters=[DashboardParams],
        responses={**_RESPONSES, **errors(400)},
        summary="Open data: feedback received and resolved per ward and period",
        auth=[],
    )
    def get(self, request):
        """The public measures of the asked period, level and generation."""
        return self.answer(request, read_query(DashboardParams, request.query_params))
