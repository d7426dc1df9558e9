"""The REST API's shared shapes in its OpenAPI schema: the error body, GeoJSON, and the
answers every operation may give.

Views document their own success bodies and the errors their parameters can cause
(``errors(400, 404)``); the postprocessing hook adds, once for all, what holds for every
operation: a bad credential is a 401, a parameter no text may hold (a NUL, see
``core.input_guard``) a 400, and with a body, one that cannot be parsed a 400, one
over the size limit a 413, one of a media type the operation does not read a 415. Every
error has the body of ``core.errors``: ``{"detail", "code", "parameter"?, "hint"?}``.
"""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

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


def _error_response(status: int) -> dict:
    return {
        "description": _DESCRIPTIONS[status],
        "content": {"application/json": {"schema": ERROR}},
    }


def add_shared_answers(result: dict, generator, request, public: bool) -> dict:
    """drf-spectacular postprocessing hook: the shared components, and on every operation
    the 400 of unusable input, the 401 of a bad credential and, with a body, the 413 and
    415 of one too large or of another media type."""
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
