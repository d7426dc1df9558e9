"""The REST API's shared shapes in its OpenAPI schema: the error body, GeoJSON, and the
answers every operation may give.

Views document their own success bodies and the errors their parameters can cause
(``errors(400, 404)``); the postprocessing hook adds, once for all, what holds for every
operation: a bad credential is a 401, a parameter no text may hold (a NUL, see
``core.input_guard``) a 400, and with a body, one that cannot be parsed a 400, one
over the size limit a 413, one of a media type the operation does not read a 415. Every
error has the body of ``core.errors``: ``{"detail", "code", "parameter"?, "hint"?}``.
"""

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from core.errors import InvalidParameter

ERROR = {"$ref": "#/components/schemas/Error"}
GEOMETRY = {"$ref": "#/components/schemas/GeoJSONGeometry"}
FEATURE = {"$ref": "#/components/schemas/GeoJSONFeature"}
FEATURE_COLLECTION = {"$ref": "#/components/schemas/GeoJSONFeatureCollection"}

# A GeoJSON geometry object (RFC 7946); the OGC API's definition uses it too.
GEOJSON_GEOMETRY = {
    "type": "object",
    "required": ["type"],
    "properties": {
        "type": {
            "type": "string",
            "enum": [
                "Point",
                "MultiPoint",
                "LineString",
                "MultiLineString",
                "Polygon",
                "MultiPolygon",
                "GeometryCollection",
            ],
        },
        "coordinates": {"type": "array", "items": {}},
        "geometries": {"type": "array", "items": {"type": "object"}},
    },
}

COMPONENTS = {
    "Error": {
        "type": "object",
        "description": "An error: what went wrong, a stable code, and what to fix.",
        "required": ["detail", "code"],
        "properties": {
            "detail": {"type": "string", "description": "What went wrong, in words."},
            "code": {"type": "string", "description": "A stable code (invalid_parameter, ...)."},
            "parameter": {"type": "string", "description": "The parameter or field at fault."},
            "hint": {"type": "string", "description": "How to fix the request."},
        },
    },
    "GeoJSONGeometry": {
        "description": "A GeoJSON geometry (RFC 7946), WGS 84 longitude/latitude.",
        **GEOJSON_GEOMETRY,
    },
    "GeoJSONFeature": {
        "type": "object",
        "description": "A GeoJSON Feature (RFC 7946).",
        "required": ["type", "geometry", "properties"],
        "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "id": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
            "geometry": {"allOf": [GEOMETRY], "nullable": True},
            "properties": {"type": "object", "nullable": True, "additionalProperties": {}},
        },
    },
    "GeoJSONFeatureCollection": {
        "type": "object",
        "description": "A GeoJSON FeatureCollection (RFC 7946).",
        "required": ["type", "features"],
        "properties": {
            "type": {"type": "string", "enum": ["FeatureCollection"]},
            "features": {"type": "array", "items": FEATURE},
        },
    },
}

_DESCRIPTIONS = {
    400: "A parameter or body field is missing, malformed or out of range; the answer names it.",
    401: "The credentials (API key, password) are wrong, revoked, or needed and missing.",
    403: "The caller may not do this (a role, a permission, or an API key's scopes).",
    404: "No such thing (or the caller may not know it exists).",
    409: "Not possible in the thing's present state.",
    413: "The request asks for more than one call may do.",
    415: "The body is of a media type this operation does not read.",
    422: "Well formed, but cannot be honoured as it stands.",
    429: "Too many requests; Retry-After says when to try again.",
}


def errors(*statuses: int, **described: str) -> dict[int, OpenApiResponse]:
    """Error responses for ``extend_schema(responses=...)``, each with the error body;
    ``described`` overrides a description by status (``e400="..."``)."""
    return {
        status: OpenApiResponse(
            response=ERROR, description=described.get(f"e{status}", _DESCRIPTIONS[status])
        )
        for status in statuses
    }


def feature_collection(description: str, **properties: dict) -> dict:
    """A FeatureCollection with more top-level members (paging, the layer's name)."""
    return {
        "allOf": [FEATURE_COLLECTION, {"type": "object", "properties": properties}],
        "description": description,
    }


_PAST_THE_LAST = "A page past the last one."


def _error_response(status: int, description: str | None = None) -> dict:
    return {
        "description": description or _DESCRIPTIONS[status],
        "content": {"application/json": {"schema": ERROR}},
    }


def add_shared_answers(result: dict, generator, request, public: bool) -> dict:
    """drf-spectacular postprocessing hook: the shared components, and on every operation
    the 400 of unusable input, the 401 of a bad credential, with a body the 413 and 415 of
    one too large or of another media type, and on a paged list the 404 of a page past
    the last."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in COMPONENTS.items():
        schemas.setdefault(name, schema)
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            shared = [400, 401, 413, 415] if "requestBody" in operation else [400, 401]
            for status in shared:
                responses.setdefault(str(status), _error_response(status))
            if any(p.get("name") == "page" for p in operation.get("parameters", [])):
                # core.pagination: a page past the last is a 404 naming 'page'.
                responses.setdefault("404", _error_response(404, _PAST_THE_LAST))
    return result


BLANK = {"type": "string", "enum": [""], "description": "Empty: as if absent."}
BBOX_PATTERN = r"^\s*-?[0-9.]+(\s*,\s*-?[0-9.]+){3}\s*$"
LON_LAT_PATTERN = r"^\s*-?[0-9.]+\s*,\s*-?[0-9.]+\s*$"


def query(
    name: str, schema: dict, description: str = "", *, required: bool = False, blank: bool = True
) -> OpenApiParameter:
    """A query parameter with a raw schema; ``blank``: an empty value counts as absent (the
    schema then admits ``""`` too)."""
    if blank and not required:
        schema = {"anyOf": [schema, BLANK]}
    return OpenApiParameter(name, schema, required=required, description=description)


class BlankAsAbsent:
    """Mixin for a serializer field of a query parameter whose empty value counts as
    absent: its schema (``BlankAsAbsentSchema``) then admits ``""`` too."""


class BlankAsAbsentSchema(OpenApiSerializerFieldExtension):
    """drf-spectacular: a ``BlankAsAbsent`` field is its own schema or ``""``."""

    target_class = BlankAsAbsent
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction) -> dict:
        """The field's schema as drf-spectacular maps it, or the empty string."""
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        return {"anyOf": [schema, BLANK]}


def read_query(serializer_class: type, params, **context) -> dict:
    """Query parameters parsed by the serializer that also documents them
    (``extend_schema(parameters=[serializer_class])``), so schema and behaviour are one
    declaration; ``context`` goes to the serializer. The first invalid one is an
    ``InvalidParameter`` naming it: its message as the field says it when it names the
    parameter, else prefixed with the name. (A field or ``validate`` may also raise a
    domain error itself, with a hint.)"""
    form = serializer_class(data=params, context=context)
    if form.is_valid():
        return form.validated_data
    name, messages = next(iter(form.errors.items()))
    message = str(messages[0])
    if f"'{name}'" not in message:
        message = _("Invalid parameter '{parameter}': {message}").format(
            parameter=name, message=message
        )
    raise InvalidParameter(message, parameter=name)


class DeclaredParameter(serializers.Field):
    """A query parameter declared with its OpenAPI schema and passed through as sent, for
    a serializer whose ``validate`` parses the parameters together (rules that span several,
    or depend on the resource). ``blank``: an empty value counts as absent (the schema then
    admits ``""``); else it is for ``validate`` to refuse."""

    def __init__(self, schema: dict, description: str, *, blank: bool = True, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(help_text=description, **kwargs)
        self.schema = schema
        self.blank = blank

    def run_validation(self, data=serializers.empty):
        """The raw text (None when absent)."""
        return None if data is serializers.empty else data

    def to_representation(self, value):
        """As it is."""
        return value


class DeclaredParameterSchema(OpenApiSerializerFieldExtension):
    """drf-spectacular: a ``DeclaredParameter`` is its declared schema (or ``""``)."""

    target_class = DeclaredParameter
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction) -> dict:
        """The declared schema, with ``""`` when an empty value counts as absent."""
        schema = dict(self.target.schema)
        return {"anyOf": [schema, BLANK]} if self.target.blank else schema
