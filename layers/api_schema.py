"""The OpenAPI description of the layers app's REST operations (drf-spectacular): the
shapes of their answers and the errors they may give.

The query parameters are not here: they are documented by the FilterSet and serializers
that parse them (``layers.filters``, ``layers.feature_params.FeatureParams``,
``core.pagination.PageQuery``), so the schema cannot drift from what the views accept.
"""

from django.conf import settings

from core.schema import FEATURE, errors, feature_collection

_NULLABLE_URI = {"type": "string", "format": "uri", "nullable": True}
AREA_REF = {
    "type": "object",
    "required": ["code", "name", "level", "type"],
    "properties": {
        "code": {"type": "string"},
        "name": {"type": "string"},
        "level": {"type": "string", "enum": ["province", "district", "ward"]},
        "type": {"type": "string"},
    },
}
GENERATION_REF = {
    "type": "object",
    "required": ["slug", "name", "valid_from", "valid_to"],
    "properties": {
        "slug": {"type": "string"},
        "name": {"type": "string"},
        "valid_from": {"type": "string", "format": "date"},
        "valid_to": {"type": "string", "format": "date", "nullable": True},
    },
}
_AREA_OR_NULL = {"allOf": [AREA_REF], "nullable": True, "description": "null: outside."}
_PARENTS = {"type": "array", "items": AREA_REF, "description": "Nearest first."}

AREA_LIST_RESPONSES = errors(
    400, 404, e404="A page past the last one (or no generation valid today)."
)
AREA_DETAIL_RESPONSES = errors(400, 404, e404="No area with this code in the generation.")

LOOKUP_ANSWER = {
    "type": "object",
    "required": ["point", "date", "generation", "area", "parents"],
    "properties": {
        "point": {
            "type": "object",
            "properties": {"lon": {"type": "number"}, "lat": {"type": "number"}},
        },
        "date": {"type": "string", "format": "date"},
        "generation": GENERATION_REF,
        "area": AREA_REF,
        "parents": _PARENTS,
    },
}
LOOKUP_GET_RESPONSES = {
    200: LOOKUP_ANSWER,
    **errors(400, 404, e404="Outside every area, or before the first boundary generation."),
}
_LON_LAT_PAIR = {
    "type": "array",
    "minItems": 2,
    "maxItems": 3,
    "items": {"type": "number"},
    "description": "[lon, lat] (a third number is ignored)",
}
_LON_LAT_OBJECT = {
    "type": "object",
    "required": ["lon", "lat"],
    "properties": {
        "lon": {"type": "number", "minimum": -180, "maximum": 180},
        "lat": {"type": "number", "minimum": -90, "maximum": 90},
    },
}
_POINTS = {
    "type": "array",
    "minItems": 1,
    "maxItems": settings.COMMONMAP["LOOKUP_BATCH_MAX"],
    "items": {"oneOf": [_LON_LAT_PAIR, _LON_LAT_OBJECT]},
}
LOOKUP_BATCH_REQUEST = {
    "oneOf": [
        _POINTS,
        {
            "type": "object",
            "required": ["type", "coordinates"],
            "properties": {
                "type": {"type": "string", "enum": ["MultiPoint"]},
                "coordinates": _POINTS,
            },
        },
        {"type": "object", "required": ["points"], "properties": {"points": _POINTS}},
    ],
    "description": "Points as [lon, lat] pairs, {lon, lat} objects, or a GeoJSON MultiPoint.",
}
LOOKUP_BATCH_ANSWER = {
    "type": "object",
    "required": ["date", "generation", "count", "matched", "results"],
    "properties": {
        "date": {"type": "string", "format": "date"},
        "generation": GENERATION_REF,
        "count": {"type": "integer"},
        "matched": {"type": "integer"},
        "results": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["lon", "lat", "area", "parents"],
                "properties": {
                    "lon": {"type": "number"},
                    "lat": {"type": "number"},
                    "area": _AREA_OR_NULL,
                    "parents": _PARENTS,
                },
            },
        },
    },
}
LOOKUP_POST_RESPONSES = {
    200: LOOKUP_BATCH_ANSWER,
    **errors(
        400,
        404,
        413,
        e404="No boundary generation on that date.",
        e413="More points than a batch may hold (or a body that large).",
    ),
}

# The GeoJSON API over the layer registry (/api/v1/layers/...).
_LAYER_FIELD = {
    "type": "object",
    "required": ["name", "type"],
    "properties": {
        "name": {"type": "string"},
        "type": {"type": "string"},
        "title": {"type": "string"},
        "public": {"type": "boolean"},
        "filterable": {"type": "boolean"},
        "sortable": {"type": "boolean"},
    },
}
LAYER = {
    "type": "object",
    "required": ["slug", "title", "geometry_type", "fields", "links"],
    "properties": {
        "slug": {"type": "string"},
        "title": {"type": "string"},
        "description": {"type": "string"},
        "geometry_type": {"type": "string"},
        "public": {"type": "boolean"},
        "source": {"type": "string"},
        "licence": {"type": "string"},
        "has_time": {"type": "boolean"},
        "searchable": {"type": "boolean"},
        "fields": {"type": "array", "items": _LAYER_FIELD},
        "links": {"type": "object", "additionalProperties": {"type": "string", "format": "uri"}},
        "extent": {
            "type": "array",
            "nullable": True,
            "items": {"type": "number"},
            "description": "minLon, minLat, maxLon, maxLat (detail only; null when empty).",
        },
        "count": {"type": "integer", "description": "Features (detail only)."},
    },
}
LAYER_LIST_RESPONSES = {200: {"type": "array", "items": LAYER}}
LAYER_DETAIL_RESPONSES = {200: LAYER, **errors(404, e404="No such layer (or a staff-only one).")}

FEATURE_FILTERS_NOTE = (
    "Any filterable property of the layer is also a parameter: name=a,b is 'equal to a or b' "
    "(\\, for a comma in a value). Any other parameter is a 400 that lists the accepted ones."
)
_LINK = {
    "type": "object",
    "required": ["rel", "href"],
    "properties": {
        "rel": {"type": "string"},
        "type": {"type": "string"},
        "href": {"type": "string", "format": "uri"},
    },
}
FEATURE_PAGE = feature_collection(
    "A page of features.",
    layer={"type": "string"},
    count={"type": "integer", "description": "Features matched, all pages."},
    page={"type": "integer"},
    page_size={"type": "integer"},
    next=_NULLABLE_URI,
    previous=_NULLABLE_URI,
    links={"type": "array", "items": _LINK},
)
FEATURE_EXPORT = feature_collection("Every matching feature.", layer={"type": "string"})
FEATURE_LIST_RESPONSES = {
    200: FEATURE_PAGE,
    **errors(400, 404, e404="No such layer (or a staff-only one), or a page past the last."),
}
FEATURE_EXPORT_RESPONSES = {
    200: FEATURE_EXPORT,
    **errors(400, 404, e404="No such layer (or a staff-only one)."),
}
FEATURE_DETAIL_RESPONSES = {
    200: FEATURE,
    **errors(400, 404, e404="No such layer or feature."),
}
