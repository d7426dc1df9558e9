"""The OpenAPI description of the notices API (drf-spectacular): parameters as the views
read them, the body they accept and the shape ``notices.shapes`` builds. Documentation only."""

from rest_framework import serializers

from core.pagination import PageQuery, paginated
from core.schema import errors, query
from layers.target_areas import KINDS, MAX_RADIUS_M, MAX_WARDS, MIN_RADIUS_M
from notices.models import Category, Severity
from notices.params import ManageListParams

_TEXT = {"type": "string"}
_INSTANT = {"type": "string", "format": "date-time"}
_NULLABLE_INSTANT = {**_INSTANT, "nullable": True}
_CODES = {"type": "array", "items": _TEXT}

AREA = {
    "type": "object",
    "required": ["kind", "description", "generation", "ward_codes", "current_wards"],
    "properties": {
        "kind": {"type": "string", "enum": list(KINDS)},
        "description": _TEXT,
        "generation": _TEXT,
        "ward_codes": _CODES,
        "current_wards": _CODES,
        "center": {
            "type": "object",
            "properties": {"lon": {"type": "number"}, "lat": {"type": "number"}},
        },
        "radius_m": {"type": "number"},
        "geometry": {"type": "object", "description": "GeoJSON MultiPolygon (detail only)."},
        "repairs": {
            "type": "array",
            "items": _TEXT,
            "description": "On creation: what was repaired in a drawn polygon.",
        },
    },
}
NOTICE = {
    "type": "object",
    "required": [
        "id", "category", "severity", "title", "body", "title_vi", "title_en", "body_vi",
        "body_en", "area", "starts_at", "ends_at", "status", "published_at",
    ],
    "properties": {
        "id": {"type": "integer"},
        "category": {"type": "string", "enum": Category.values},
        "severity": {"type": "string", "enum": Severity.values},
        "title": {**_TEXT, "description": "In the asked language (Vietnamese if none)."},
        "body": _TEXT,
        "title_vi": _TEXT,
        "title_en": _TEXT,
        "body_vi": _TEXT,
        "body_en": _TEXT,
        "area": AREA,
        "starts_at": _INSTANT,
        "ends_at": _INSTANT,
        "status": {"type": "string", "enum": ["draft", "published", "withdrawn"]},
        "published_at": _NULLABLE_INSTANT,
        "created_by": {"type": "string", "nullable": True, "description": "Staff only."},
        "created_at": {**_INSTANT, "description": "Staff only."},
        "updated_at": {**_INSTANT, "description": "Staff only."},
        "withdrawn_at": {**_NULLABLE_INSTANT, "description": "Staff only."},
    },
}  # fmt: skip

IN_FORCE_PARAMS = [
    query("lon", {"type": "number", "minimum": -180, "maximum": 180}, required=True),
    query("lat", {"type": "number", "minimum": -90, "maximum": 90}, required=True),
    query(
        "at",
        {"type": "string", "format": "date-time"},
        "The instant (ISO 8601); now when absent.",
    ),
    PageQuery,
]
IN_FORCE_RESPONSES = {
    200: paginated({"type": "array", "items": NOTICE}),
    **errors(400, e400="Missing or out-of-range coordinates, a point outside the city, a bad at."),
}
CREATE_RESPONSES = {
    201: NOTICE,
    **errors(
        400,
        403,
        e400="A field missing or wrong (named in 'parameter'): area, window, texts.",
        e403="No permission to add notices, or the area reaches wards outside yours.",
    ),
}
DETAIL_RESPONSES = {200: NOTICE, **errors(404, e404="No such notice (drafts: staff only).")}
STEP_RESPONSES = {
    200: NOTICE,
    **errors(
        403,
        404,
        409,
        e403="No permission to change notices, or a notice outside your wards.",
        e404="No such notice.",
        e409="Not possible from the notice's status, or its window has ended.",
    ),
}
PATCH_RESPONSES = {
    200: NOTICE,
    **errors(
        400,
        403,
        404,
        409,
        e400="A field wrong (named in 'parameter'), as on creation; a body that changes nothing.",
        e403="No permission to change notices, or the notice or the new area reaches wards "
        "outside yours ('parameter': 'area').",
        e404="No such notice.",
        e409="The notice is published or withdrawn: only a draft can be changed.",
    ),
}
MANAGE_PARAMS = [ManageListParams, PageQuery]
MANAGE_RESPONSES = {
    200: paginated({"type": "array", "items": NOTICE}),
    **errors(
        400,
        403,
        e400="An unknown status or ward (named in 'parameter'), a bad page.",
        e403="No permission to change notices.",
    ),
}


class AreaSchema(serializers.Serializer):
    """A target area (documentation only; ``layers.target_areas``)."""

    kind = serializers.ChoiceField(list(KINDS))
    wards = serializers.ListField(
        child=serializers.CharField(), required=False, max_length=MAX_WARDS
    )
    generation = serializers.CharField(
        required=False, help_text="A boundary generation's slug; the one in force if absent."
    )
    polygon = serializers.JSONField(
        required=False, help_text="GeoJSON Polygon or MultiPolygon in WGS 84."
    )
    lon = serializers.FloatField(required=False, min_value=-180, max_value=180)
    lat = serializers.FloatField(required=False, min_value=-90, max_value=90)
    radius_m = serializers.FloatField(
        required=False, min_value=MIN_RADIUS_M, max_value=MAX_RADIUS_M
    )


class NoticeSchema(serializers.Serializer):
    """A new notice (documentation only): created as a draft."""

    category = serializers.ChoiceField(Category.choices)
    severity = serializers.ChoiceField(Severity.choices, required=False)
    title_vi = serializers.CharField(max_length=200)
    title_en = serializers.CharField(max_length=200, required=False)
    body_vi = serializers.CharField(max_length=5000)
    body_en = serializers.CharField(max_length=5000, required=False)
    area = AreaSchema()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(help_text="After starts_at.")


class NoticePatchSchema(serializers.Serializer):
    """Changes to a draft notice (documentation only): any subset of the create body's
    fields, each checked as on creation; the window against the notice's own."""

    category = serializers.ChoiceField(Category.choices, required=False)
    severity = serializers.ChoiceField(Severity.choices, required=False)
    title_vi = serializers.CharField(max_length=200, required=False)
    title_en = serializers.CharField(max_length=200, required=False)
    body_vi = serializers.CharField(max_length=5000, required=False)
    body_en = serializers.CharField(max_length=5000, required=False)
    area = AreaSchema(required=False)
    starts_at = serializers.DateTimeField(required=False)
    ends_at = serializers.DateTimeField(required=False, help_text="After starts_at.")
