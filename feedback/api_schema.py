"""The OpenAPI description of the feedback REST API (drf-spectacular): parameters as the
views read them, the bodies they accept and the shapes ``feedback.shapes`` builds.
Documentation only; a schema-driven test checks that the answers agree with it."""

from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from core.pagination import PageQuery, paginated
from core.schema import errors, query
from feedback.models import Channel, Status
from feedback.params import ItemListParams

_TEXT = {"type": "string"}
_NULLABLE_TEXT = {"type": "string", "nullable": True}
_INSTANT = {"type": "string", "format": "date-time"}
_NULLABLE_INSTANT = {"type": "string", "format": "date-time", "nullable": True}
_POINT = {
    "type": "object",
    "nullable": True,
    "required": ["lon", "lat"],
    "properties": {"lon": {"type": "number"}, "lat": {"type": "number"}},
}

CATEGORY = {
    "type": "object",
    "required": ["code", "name", "deadline_amount", "deadline_unit", "public_precision_m"],
    "properties": {
        "code": _TEXT,
        "name": _TEXT,
        "name_vi": _TEXT,
        "name_en": _TEXT,
        "description": _TEXT,
        "deadline_amount": {"type": "integer"},
        "deadline_unit": {"type": "string", "enum": ["hours", "working_hours", "working_days"]},
        "public_precision_m": {"type": "integer"},
    },
}
_EVENT = {
    "type": "object",
    "required": ["at", "to"],
    "properties": {
        "at": _INSTANT,
        "from": _NULLABLE_TEXT,
        "to": _TEXT,
        "by_role": _TEXT,
        "note": _TEXT,
        "by": {"type": "string", "nullable": True, "description": "Staff and reporter only."},
        "internal_note": {"type": "string", "description": "Staff in scope only, never public."},
    },
}
ITEM = {
    "type": "object",
    "description": (
        "An item. The public view (tracking, anonymous submitters) has the location snapped "
        "to the category's grid; staff in scope and the reporter also get exact_location, "
        "address_text, reporter, api_key and allowed_next."
    ),
    "required": ["tracking_code", "url", "category", "status", "ward", "timeline"],
    "properties": {
        "tracking_code": _TEXT,
        "url": {"type": "string", "format": "uri"},
        "page": {"type": "string", "format": "uri"},
        "category": CATEGORY,
        "description": _TEXT,
        "channel": _TEXT,
        "status": _TEXT,
        "status_label": _TEXT,
        "ward": {
            "type": "object",
            "nullable": True,
            "properties": {"code": _TEXT, "name": _TEXT},
        },
        "location": _POINT,
        "location_precision_m": {"type": "integer"},
        "created_at": _INSTANT,
        "updated_at": _INSTANT,
        "deadline_at": _NULLABLE_INSTANT,
        "overdue": {"type": "boolean"},
        "resolved_at": _NULLABLE_INSTANT,
        "rejection_reason": _NULLABLE_TEXT,
        "merged_into": _NULLABLE_TEXT,
        "rating": {"type": "integer", "nullable": True},
        "photos": {"type": "array", "items": {"type": "string", "format": "uri"}},
        "timeline": {"type": "array", "items": _EVENT},
        "exact_location": _POINT,
        "address_text": _TEXT,
        "rating_comment": _TEXT,
        "reporter": {"type": "object", "additionalProperties": {}},
        "api_key": _NULLABLE_TEXT,
        "allowed_next": {"type": "array", "items": _TEXT},
        "verifications": {
            "type": "object",
            "description": "Residents' verdicts on its resolutions (counts only).",
            "properties": {"confirmed": {"type": "integer"}, "disputed": {"type": "integer"}},
        },
        "repeat_of": {
            "type": "string",
            "nullable": True,
            "description": "Staff only: the recently resolved item nearby this repeats.",
        },
        "verdicts": {
            "type": "array",
            "description": "Staff only: each resident's verdict.",
            "items": {
                "type": "object",
                "properties": {
                    "via_item": _TEXT,
                    "verdict": _TEXT,
                    "reason": _TEXT,
                    "resolved_at": _INSTANT,
                    "at": _INSTANT,
                },
            },
        },
    },
}
DUPLICATE = {
    "type": "object",
    "required": ["tracking_code", "status", "category", "distance_m"],
    "properties": {
        "tracking_code": _TEXT,
        "status": _TEXT,
        "category": _TEXT,
        "description": _TEXT,
        "created_at": _INSTANT,
        "distance_m": {"type": "integer"},
    },
}
SUBMITTED = {
    "allOf": [
        ITEM,
        {
            "type": "object",
            "required": ["possible_duplicates"],
            "properties": {"possible_duplicates": {"type": "array", "items": DUPLICATE}},
        },
    ]
}
ITEM_PAGE = paginated({"type": "array", "items": ITEM})
PLACE = {
    "type": "object",
    "required": ["kind", "name", "lon", "lat", "ward_code"],
    "properties": {
        "kind": _TEXT,
        "name": _TEXT,
        "label": _TEXT,
        "lon": {"type": "number"},
        "lat": {"type": "number"},
        "ward_code": _TEXT,
        "ward_name": _TEXT,
        "old_name": {"type": "boolean"},
    },
}
RESOLUTION = {
    "type": "object",
    "required": ["query", "status", "candidates"],
    "properties": {
        "query": _TEXT,
        "status": _TEXT,
        "candidates": {"type": "array", "items": PLACE},
    },
}

LIST_PARAMS = [ItemListParams, PageQuery]
LIST_RESPONSES = {
    200: ITEM_PAGE,
    **errors(
        400,
        401,
        403,
        404,
        e401="Sign in (or use your API key) to list items.",
        e404="A page past the last one.",
    ),
}
SUBMIT_RESPONSES = {
    201: SUBMITTED,
    **errors(
        400,
        403,
        413,
        422,
        429,
        e400="Invalid, outside the city, or an ambiguous address (with its candidates).",
        e403="Leaders read only; an API key without the feedback scope.",
        e413="A photo or the body over the size limit.",
        e422="The Idempotency-Key was used for another report.",
        e429="Too many anonymous reports (Retry-After).",
    ),
}
SUBMIT_RESPONSES[200] = {**SUBMITTED, "description": "A retry with the same Idempotency-Key."}
DETAIL_RESPONSES = {200: ITEM, **errors(403, 404, e404="No such item in your scope.")}
TRACK_RESPONSES = {200: ITEM, **errors(404, e404="No item with this tracking code.")}
STEP_RESPONSES = {
    200: ITEM,
    **errors(
        400,
        403,
        404,
        409,
        e403="Not a step (or rating) this role may take.",
        e404="No such item in your scope.",
        e409="Not possible from the item's status.",
    ),
}
VERIFICATION = {
    "type": "object",
    "required": ["item", "via_item", "verdict", "reason", "resolved_at", "at", "status"],
    "properties": {
        "item": {**_TEXT, "description": "The item whose resolution was verified."},
        "via_item": {**_TEXT, "description": "The item the resident reported it through."},
        "verdict": {"type": "string", "enum": ["confirmed", "disputed"]},
        "reason": _TEXT,
        "resolved_at": {**_INSTANT, "description": "The resolution the verdict is about."},
        "at": _INSTANT,
        "status": {**_TEXT, "description": "The item's status after the verdict."},
    },
}
VERIFICATION_RESPONSES = {
    201: VERIFICATION,
    **errors(
        400,
        403,
        404,
        409,
        e400="No verdict, an unknown one, or a dispute without its reason.",
        e403="Staff roles do not verify; an API key without the feedback scope.",
        e404="No such item among those you reported (or that yours was merged into).",
        e409="Not resolved, past the reopen window, or already verified by you.",
    ),
}
DUPLICATES_PARAMS = [
    query("category", {"type": "string", "minLength": 1}, "A category code.", required=True),
    query("lon", {"type": "number", "minimum": -180, "maximum": 180}, required=True),
    query("lat", {"type": "number", "minimum": -90, "maximum": 90}, required=True),
]
DUPLICATES_RESPONSES = {
    200: {
        "type": "object",
        "required": ["category", "results"],
        "properties": {"category": _TEXT, "results": {"type": "array", "items": DUPLICATE}},
    },
    **errors(400, e400="Missing or out-of-range coordinates, or an unknown category."),
}
PLACES_PARAMS = [
    query("q", {"type": "string", "minLength": 1}, "An address or place name.", required=True)
]
PLACES_RESPONSES = {200: RESOLUTION, **errors(400, e400="No text, or text too long.")}
CATEGORIES_RESPONSES = {200: {"type": "array", "items": CATEGORY}}


class LocationSchema(serializers.Serializer):
    """A point in WGS 84 (documentation only)."""

    lon = serializers.FloatField(min_value=-180, max_value=180)
    lat = serializers.FloatField(min_value=-90, max_value=90)


class SubmitSchema(serializers.Serializer):
    """A report as JSON (documentation only): a location, or an address for the hotline."""

    category = serializers.CharField(help_text="A code from categories/.")
    description = serializers.CharField()
    channel = serializers.ChoiceField(Channel.choices, required=False)
    location = LocationSchema(required=False)
    address = serializers.CharField(
        required=False, help_text="Instead of location: a ward or place name to resolve."
    )
    reporter_name = serializers.CharField(required=False, help_text="Private: staff only.")
    reporter_phone = serializers.CharField(required=False, help_text="Private: staff only.")
    reporter_email = serializers.EmailField(required=False, help_text="Private: staff only.")
    consent_purpose = serializers.CharField(
        required=False, max_length=60, help_text="A purpose of /api/v1/privacy/notice/."
    )
    consent_notice_version = serializers.CharField(
        required=False, max_length=40, help_text="The notice agreed to (default: current)."
    )


class SubmitFormSchema(SubmitSchema):
    """A report as a multipart form (documentation only): lon/lat fields, and photos."""

    location = None
    lon = serializers.FloatField(min_value=-180, max_value=180, required=False)
    lat = serializers.FloatField(min_value=-90, max_value=90, required=False)
    photos = serializers.ListField(
        child=serializers.FileField(), required=False, max_length=5, help_text="JPEG, PNG, WebP."
    )


IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    str,
    location=OpenApiParameter.HEADER,
    description="A new UUID per report: retrying with the same key returns the same item.",
)


class TransitionSchema(serializers.Serializer):
    """A workflow step (documentation only)."""

    to = serializers.ChoiceField(Status.choices)
    note = serializers.CharField(required=False, help_text="Public: on the tracking page.")
    internal_note = serializers.CharField(
        required=False, help_text="Staff only: never on the tracking page, Open311 or public."
    )
    reason = serializers.CharField(required=False, help_text="Required to reject.")
    merge_into = serializers.CharField(required=False, help_text="Required to merge.")


class RatingSchema(serializers.Serializer):
    """A rating (documentation only)."""

    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(required=False)


class VerificationSchema(serializers.Serializer):
    """A resident's verdict on a resolution (documentation only)."""

    verdict = serializers.ChoiceField([("confirmed", "confirmed"), ("disputed", "disputed")])
    reason = serializers.CharField(
        required=False, help_text="Required to dispute: public, on the item's timeline."
    )
