"""The surveys API in the OpenAPI schema: bodies, answers and the errors each can give."""

from drf_spectacular.utils import OpenApiParameter

from core.pagination import paginated
from core.schema import errors, query

_TEXT = {"type": "string"}
_WHEN = {"type": "string", "format": "date-time"}
_NULL_NUMBER = {"type": "number", "nullable": True}
_NULL_INT = {"type": "integer", "nullable": True}
_OBJECT = {"type": "object", "additionalProperties": {}}

CHOICE_IN = {
    "type": "object",
    "required": ["code", "vi"],
    "properties": {"code": _TEXT, "vi": _TEXT, "en": _TEXT},
}
QUESTION_IN = {
    "type": "object",
    "required": ["kind", "text_vi"],
    "properties": {
        "kind": {"type": "string", "enum": ["single", "multiple", "scale", "number", "text"]},
        "required": {"type": "boolean"},
        "text_vi": _TEXT,
        "text_en": _TEXT,
        "choices": {"type": "array", "items": CHOICE_IN},
        "min": {"type": "number"},
        "max": {"type": "number"},
    },
}
AREA = {
    "type": "object",
    "description": (
        "The target area: {kind: wards, wards: [codes], generation?}, {kind: polygon, "
        "polygon: GeoJSON Polygon/MultiPolygon}, or {kind: radius, lon, lat, radius_m}."
    ),
    "required": ["kind"],
    "properties": {"kind": {"type": "string", "enum": ["wards", "polygon", "radius"]}},
    "additionalProperties": {},
}
_SURVEY_FIELDS = {
    "title_vi": _TEXT,
    "title_en": _TEXT,
    "description_vi": _TEXT,
    "description_en": _TEXT,
    "opens_at": _WHEN,
    "closes_at": _WHEN,
    "area": AREA,
    "questions": {"type": "array", "items": QUESTION_IN},
}
SURVEY_CREATE = {
    "type": "object",
    "required": ["title_vi", "opens_at", "closes_at", "area"],
    "properties": _SURVEY_FIELDS,
}
SURVEY_EDIT = {"type": "object", "properties": _SURVEY_FIELDS}

STAFF_SURVEY = {
    "type": "object",
    "required": ["id", "status", "title_vi", "opens_at", "closes_at", "questions"],
    "properties": {
        "id": {"type": "integer"},
        "status": {"type": "string", "enum": ["draft", "published", "closed"]},
        **{name: _TEXT for name in ("title_vi", "title_en", "description_vi", "description_en")},
        "opens_at": _WHEN,
        "closes_at": _WHEN,
        "area": _OBJECT,
        "area_kind": _TEXT,
        "area_geometry": {"$ref": "#/components/schemas/GeoJSONGeometry"},
        "ward_codes": {"type": "array", "items": _TEXT},
        "created_at": _WHEN,
        "published_at": {**_WHEN, "nullable": True},
        "closed_at": {**_WHEN, "nullable": True},
        "questions": {"type": "array", "items": _OBJECT},
    },
}
PUBLIC_SURVEY = {
    "type": "object",
    "required": ["id", "title", "opens_at", "closes_at", "questions"],
    "properties": {
        "id": {"type": "integer"},
        "title": _TEXT,
        "description": _TEXT,
        "opens_at": _WHEN,
        "closes_at": _WHEN,
        "questions": {"type": "array", "items": _OBJECT},
    },
}
ANSWERS_IN = {
    "type": "object",
    "required": ["lon", "lat", "answers"],
    "properties": {
        "lon": {"type": "number"},
        "lat": {"type": "number"},
        "answers": {
            "type": "object",
            "description": "Question id → answer: a code, a list of codes, 1-5, a number, text.",
            "additionalProperties": {},
        },
    },
}
ANSWER_SET = {
    "type": "object",
    "required": ["survey", "ward", "answers"],
    "properties": {
        "survey": {"type": "integer"},
        "ward": {"type": "string", "nullable": True},
        "answers": _OBJECT,
        "created_at": _WHEN,
        "updated_at": _WHEN,
    },
}
_CHOICE_RESULT = {
    "type": "object",
    "properties": {
        "code": _TEXT,
        "label": _TEXT,
        "count": _NULL_INT,
        "share": _NULL_NUMBER,
        "suppressed": {"type": "boolean"},
    },
}
_GROUP = {
    "type": "object",
    "required": ["answered", "suppressed"],
    "properties": {
        "answered": _NULL_INT,
        "suppressed": {"type": "boolean"},
        "mean": _NULL_NUMBER,
        "choices": {"type": "array", "items": _CHOICE_RESULT},
    },
}
RESULTS = {
    "type": "object",
    "required": ["survey", "status", "suppressed_view", "questions"],
    "properties": {
        "survey": {"type": "integer"},
        "status": _TEXT,
        "min_cell": _NULL_INT,
        "suppressed_view": {"type": "boolean"},
        "questions": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "order": {"type": "integer"},
                    "kind": _TEXT,
                    "text": _TEXT,
                    "overall": _GROUP,
                    "wards": {
                        "type": "array",
                        "items": {
                            "allOf": [
                                _GROUP,
                                {
                                    "type": "object",
                                    "properties": {
                                        "ward": {
                                            "type": "object",
                                            "nullable": True,
                                            "properties": {"code": _TEXT, "name": _TEXT},
                                        }
                                    },
                                },
                            ]
                        },
                    },
                },
            },
        },
    },
}

LON_LAT = [
    query("lon", {"type": "number"}, "Longitude (WGS 84).", required=True),
    query("lat", {"type": "number"}, "Latitude (WGS 84).", required=True),
]
FORMAT = OpenApiParameter(
    "format",
    {"type": "string", "enum": ["json", "csv"]},
    description="json (default) or csv.",
)

LIST_RESPONSES = {200: paginated({"type": "array", "items": STAFF_SURVEY}), **errors(401, 403)}
CREATE_RESPONSES = {201: STAFF_SURVEY, **errors(401, 403)}
DETAIL_RESPONSES = {200: STAFF_SURVEY, **errors(401, 403, 404)}
EDIT_RESPONSES = {200: STAFF_SURVEY, **errors(401, 403, 404, 409)}
OPEN_RESPONSES = {200: {"type": "array", "items": PUBLIC_SURVEY}}
ANSWER_RESPONSES = {
    200: ANSWER_SET,
    201: ANSWER_SET,
    **errors(401, 403, 404, 409, e409="Outside the survey's area or window, or closed."),
}
RESULTS_RESPONSES = {
    (200, "application/json"): RESULTS,
    (200, "text/csv"): {"type": "string"},
    **errors(404),
}
