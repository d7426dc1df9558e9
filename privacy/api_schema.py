"""The OpenAPI description of the privacy API (drf-spectacular). Documentation only."""

from rest_framework import serializers

from core.pagination import PageQuery, paginated
from core.schema import errors
from privacy.models import RequestKind, RequestStatus
from privacy.params import AccessLogParams, RequestListParams

_TEXT = {"type": "string"}
_INSTANT = {"type": "string", "format": "date-time"}
_NULLABLE_INSTANT = {"type": "string", "format": "date-time", "nullable": True}
_ANY_OBJECT = {"type": "object", "additionalProperties": {}}

NOTICE = {
    "type": "object",
    "required": ["version", "purposes", "retention", "request_answer_hours", "text"],
    "properties": {
        "version": _TEXT,
        "purposes": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["code", "label_vi", "label_en", "default"],
                "properties": {
                    "code": _TEXT,
                    "label_vi": _TEXT,
                    "label_en": _TEXT,
                    "default": {"type": "boolean"},
                },
            },
        },
        "retention": {
            "type": "object",
            "required": ["default_days", "categories"],
            "properties": {
                "default_days": {"type": "integer"},
                "categories": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["code", "retention_days"],
                        "properties": {
                            "code": _TEXT,
                            "name_vi": _TEXT,
                            "name_en": _TEXT,
                            "retention_days": {"type": "integer"},
                        },
                    },
                },
            },
        },
        "request_answer_hours": {"type": "object", "additionalProperties": {"type": "integer"}},
        "text": {
            "type": "object",
            "required": ["vi", "en"],
            "properties": {"vi": _TEXT, "en": _TEXT},
        },
    },
}
REQUEST = {
    "type": "object",
    "required": ["id", "kind", "status", "received_at", "due_at"],
    "properties": {
        "id": {"type": "integer"},
        "kind": {"type": "string", "enum": RequestKind.values},
        "status": {"type": "string", "enum": RequestStatus.values},
        "received_at": _INSTANT,
        "due_at": _INSTANT,
        "answered_at": _NULLABLE_INSTANT,
        "note": _TEXT,
        "tracking_codes": {"type": "array", "items": _TEXT},
        "changes": _ANY_OBJECT,
        "overdue": {"type": "boolean"},
    },
}
SUBMITTED = {
    "type": "object",
    "required": ["request"],
    "properties": {
        "request": REQUEST,
        "export": {**_ANY_OBJECT, "description": "For an export: everything held about you."},
    },
}
ACCESS = {
    "type": "object",
    "required": ["id", "at", "user", "item", "fields", "via"],
    "properties": {
        "id": {"type": "integer"},
        "at": _INSTANT,
        "user": _TEXT,
        "item": _TEXT,
        "fields": {"type": "array", "items": _TEXT},
        "via": _TEXT,
    },
}


class ChangesSchema(serializers.Serializer):
    """A correction's new contact details (documentation only); empty removes one."""

    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    email = serializers.CharField(
        required=False, allow_blank=True, max_length=254, help_text="An e-mail address."
    )


class RequestSchema(serializers.Serializer):
    """A resident's request (documentation only)."""

    kind = serializers.ChoiceField(RequestKind.choices)
    tracking_codes = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Only these reports of yours (default: all of them).",
    )
    changes = ChangesSchema(required=False, help_text="For kind=correct only.")


class DecisionSchema(serializers.Serializer):
    """Staff answering a waiting request (documentation only)."""

    status = serializers.ChoiceField([RequestStatus.DONE, RequestStatus.REFUSED])
    note = serializers.CharField(required=False, help_text="Required to refuse.")


NOTICE_RESPONSES = {200: NOTICE}
REQUEST_LIST_PARAMS = [RequestListParams, PageQuery]
REQUEST_LIST_RESPONSES = {
    200: paginated({"type": "array", "items": REQUEST}),
    **errors(400, 401, 403, 404, e401="Sign in to see your requests."),
}
SUBMIT_RESPONSES = {
    201: SUBMITTED,
    **errors(400, 401, 403, e403="A service account makes no personal data request."),
}
DECISION_RESPONSES = {
    200: REQUEST,
    **errors(400, 401, 403, 404, 409, e409="The request was already answered."),
}
ACCESS_LIST_PARAMS = [AccessLogParams, PageQuery]
ACCESS_LIST_RESPONSES = {
    200: paginated({"type": "array", "items": ACCESS}),
    **errors(400, 401, 403, 404, e403="Only auditors and administrators read the log."),
}
