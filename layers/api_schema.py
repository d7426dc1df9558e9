"""The OpenAPI description of the layers app's REST operations (drf-spectacular): their
query parameters as the views read them, and the shapes of their answers.

Documentation only: the views parse their parameters with ``layers.params`` and
``layers.feature_params``; these say the same rules in OpenAPI terms (ranges, patterns,
whether an empty value counts as absent), and a schema-driven test checks that they agree.
"""

from django.conf import settings

from core.schema import FEATURE, errors, feature_collection, query
from layers.features import MAX_NEAREST, MAX_RADIUS_M
from layers.models import AreaLevel, AreaType

SIMPLIFY_MAX_M = 10_000.0
# "Four comma-separated values" and "two": the views count the parts first; each must then
# be a number in range (and a box's minimum at most its maximum), which a pattern cannot say.
FOUR_VALUES = r"^[^,]+(,[^,]+){3}$"
TWO_VALUES = r"^[^,]+,[^,]+$"

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

GENERATION = query("generation", {"type": "string"}, "Boundary generation slug (default: today's).")
SIMPLIFY = query(
    "simplify",
    {"type": "number", "minimum": 0, "exclusiveMinimum": True, "maximum": SIMPLIFY_MAX_M},
    "Simplify geometries with this tolerance in metres (at most 10000).",
)
DATE = query("date", {"type": "string", "format": "date"}, "YYYY-MM-DD; default today.")
PAGE = query(
    "page",
    {"type": "integer", "minimum": 1, "maximum": 10**9},
    "1-based page number; a page past the last is a 404.",
)


def page_size(default: int, maximum: int, *, capped: bool = False):
    """The ``page_size`` parameter of a paged list; ``capped``: a larger one is not an
    error but the maximum (so the schema sets no maximum)."""
    if capped:
        return query(
            "page_size",
            {"type": "integer", "minimum": 1},
            f"Items per page (default {default}; over {maximum}: {maximum}).",
        )
    return query(
        "page_size",
        {"type": "integer", "minimum": 1, "maximum": maximum},
        f"Items per page (default {default}, at most {maximum}).",
    )


AREA_LIST_PARAMS = [
    GENERATION,
    SIMPLIFY,
    PAGE,
    page_size(
        settings.COMMONMAP["AREAS_PAGE_SIZE"],
        settings.COMMONMAP["AREAS_PAGE_SIZE_MAX"],
        capped=True,
    ),
    query(
        "bbox",
        {"type": "string", "pattern": FOUR_VALUES},
        "minLon,minLat,maxLon,maxLat (WGS 84): areas touching it.",
    ),
    query("level", {"type": "string", "enum": AreaLevel.values}, "province, district or ward."),
    query("type", {"type": "string", "enum": AreaType.values}, "The unit's type (phuong, xa...)."),
    query("parent", {"type": "string"}, "The parent's code."),
    query("q", {"type": "string"}, "Part of the name; diacritics optional ('Ben Thanh')."),
]
AREA_DETAIL_PARAMS = [GENERATION, SIMPLIFY]


def area_page(features: dict) -> dict:
    """A page of areas: the serializer's FeatureCollection (``features``) with paging."""
    return {
        "allOf": [
            features,
            {
                "type": "object",
                "required": ["type", "count", "next", "previous", "features"],
                "properties": {
                    "count": {"type": "integer", "description": "Areas matched, all pages."},
                    "next": _NULLABLE_URI,
                    "previous": _NULLABLE_URI,
                },
            },
        ]
    }


AREA_LIST_RESPONSES = errors(
    400, 404, e404="A page past the last one (or no generation valid today)."
)
AREA_DETAIL_RESPONSES = errors(400, 404, e404="No area with this code in the generation.")

LOOKUP_GET_PARAMS = [
    query(
        "lon",
        {"type": "number", "minimum": -180, "maximum": 180},
        "Longitude, WGS 84.",
        required=True,
    ),
    query(
        "lat", {"type": "number", "minimum": -90, "maximum": 90}, "Latitude, WGS 84.", required=True
    ),
    DATE,
]
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

FEATURE_PARAMS = [
    query(
        "bbox",
        {"type": "string", "pattern": FOUR_VALUES},
        "minLon,minLat,maxLon,maxLat.",
        blank=False,
    ),
    query("q", {"type": "string"}, "Name contains this; diacritics optional."),
    query(
        "near",
        {"type": "string", "pattern": TWO_VALUES},
        "lon,lat: features within 'radius' metres (which it needs).",
        blank=False,
    ),
    query(
        "radius",
        {"type": "number", "minimum": 0, "exclusiveMinimum": True, "maximum": MAX_RADIUS_M},
        f"Metres, with 'near' only (at most {MAX_RADIUS_M:g}).",
    ),
    query(
        "nearest",
        {"type": "string", "pattern": TWO_VALUES},
        "lon,lat: the 'k' nearest features, nearest first.",
        blank=False,
    ),
    query(
        "k",
        {"type": "integer", "minimum": 1, "maximum": MAX_NEAREST},
        "How many nearest features (default 10), with 'nearest' only.",
    ),
    query("fields", {"type": "string"}, "Comma-separated properties to return (empty: none)."),
    query("ordering", {"type": "string"}, "Properties to sort by; -name descending."),
    query(
        "datetime",
        {"type": "string", "minLength": 1},
        "Instant, date or interval start/end ('..' open); layers with time only.",
        blank=False,
    ),
    query("ward_of", {"type": "string"}, "lon,lat: features of the ward containing the point."),
]
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
FEATURE_DETAIL_PARAMS = [
    query("fields", {"type": "string"}, "Comma-separated properties to return (empty: none).")
]
