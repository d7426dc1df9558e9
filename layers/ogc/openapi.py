"""The OpenAPI 3.0 definition of the OGC API at /ogc/api (conformance class oas30).

Written out by hand in OGC's own shape (the building blocks of the OGC API - Features
OpenAPI fragments) rather than generated from the views: clients such as GDAL and QGIS
read the parameters of ``/collections/{collectionId}/items`` from it, and the queryable
properties of each collection from its own ``/collections/<id>/items`` path, which lists
one query parameter per filterable property the caller may see.
"""

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.schema import GEOJSON_GEOMETRY
from layers.crs import CRS84
from layers.feature_params import OGC_PARAMS
from layers.features import MAX_NEAREST, MAX_RADIUS_M
from layers.ogc.documents import CRS_URIS, GEOJSON, HTML, JSON, OPENAPI_JSON
from layers.spec import LayerSpec

OPENAPI_VERSION = "3.0.3"
# "lon,lat": the views count the parts; each must then be a number in range.
TWO_VALUES = r"^[^,]+,[^,]+$"


def _ref(kind: str, name: str) -> dict:
    return {"$ref": f"#/components/{kind}/{name}"}


def _parameters() -> dict:
    limit_max = settings.COMMONMAP["OGC_LIMIT_MAX"]
    limit_default = settings.COMMONMAP["OGC_LIMIT_DEFAULT"]
    crs_schema = {"type": "string", "format": "uri", "enum": list(CRS_URIS), "default": CRS84}

    def query(name: str, description: str, schema: dict, *, empty: bool = True, **extra) -> dict:
        """An optional query parameter; ``empty``: an empty value counts as absent."""
        parameter = {
            "name": name,
            "in": "query",
            "required": False,
            "description": str(description),
            "schema": schema,
            **extra,
        }
        if empty:
            parameter["allowEmptyValue"] = True
        return parameter

    return {
        "f": query(
            "f",
            _("The format of the answer: json (GeoJSON for features) or html."),
            {"type": "string", "enum": ["json", "html"]},
            style="form",
            explode=False,
        ),
        "collectionId": {
            "name": "collectionId",
            "in": "path",
            "required": True,
            "description": str(_("The collection (layer) identifier.")),
            "schema": {"type": "string"},
        },
        "featureId": {
            "name": "featureId",
            "in": "path",
            "required": True,
            "description": str(_("The feature identifier.")),
            "schema": {"type": "string"},
        },
        "limit": query(
            "limit",
            _(
                "Features per page: 1 to {maximum} (default {default}); a larger value is "
                "capped to {maximum} and the answer says so."
            ).format(maximum=limit_max, default=limit_default),
            # As in OGC's own definition: a larger limit is not an error, it is capped.
            {"type": "integer", "minimum": 1, "maximum": limit_max, "default": limit_default},
            style="form",
            explode=False,
        ),
        "offset": query(
            "offset",
            _("Features to skip (the next links set it)."),
            {"type": "integer", "minimum": 0, "default": 0},
        ),
        "bbox": query(
            "bbox",
            _(
                "Only features that intersect this box: minLon,minLat,maxLon,maxLat in CRS84, "
                "or in the CRS given by bbox-crs (in that CRS's axis order); with 6 numbers "
                "(minLon,minLat,minHeight,maxLon,maxLat,maxHeight) the heights are ignored."
            ),
            {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}},
            empty=False,
            style="form",
            explode=False,
        ),
        "bbox-crs": query(
            "bbox-crs",
            _("The CRS of bbox (default CRS84)."),
            crs_schema,
            style="form",
            explode=False,
        ),
        "crs": query(
            "crs",
            _("The CRS of the geometries in the answer (default CRS84)."),
            crs_schema,
            style="form",
            explode=False,
        ),
        "datetime": query(
            "datetime",
            _(
                "Only features whose time is this instant or date, or in this interval "
                "(start/end, .. for an open end); layers with time only."
            ),
            {"type": "string", "minLength": 1},
            empty=False,
            style="form",
            explode=False,
        ),
        "properties": query(
            "properties",
            _("The properties to return, comma-separated (default: all)."),
            {"type": "array", "items": {"type": "string"}},
            style="form",
            explode=False,
        ),
        "sortby": query(
            "sortby",
            _("Properties to sort by, comma-separated; -name for descending order."),
            {"type": "array", "items": {"type": "string"}},
            style="form",
            explode=False,
        ),
        "q": query(
            "q",
            _("Only features whose name contains this text (diacritics optional)."),
            {"type": "string"},
        ),
        "near": query(
            "near",
            _("lon,lat: only features within 'radius' metres of this point."),
            {"type": "string", "pattern": TWO_VALUES},
            empty=False,
        ),
        "radius": query(
            "radius",
            _("Metres, with 'near' (at most {maximum:g}).").format(maximum=MAX_RADIUS_M),
            {"type": "number", "exclusiveMinimum": True, "minimum": 0, "maximum": MAX_RADIUS_M},
        ),
        "nearest": query(
            "nearest",
            _("lon,lat: the 'k' features nearest to this point, nearest first."),
            {"type": "string", "pattern": TWO_VALUES},
            empty=False,
        ),
        "k": query(
            "k",
            _("How many nearest features (default 10)."),
            {"type": "integer", "minimum": 1, "maximum": MAX_NEAREST, "default": 10},
        ),
    }


_ITEMS_PARAMS = (
    "limit",
    "offset",
    "bbox",
    "bbox-crs",
    "crs",
    "datetime",
    "properties",
    "sortby",
    "q",
    "near",
    "radius",
    "nearest",
    "k",
    "f",
)
_ITEM_PARAMS = ("crs", "properties", "f")


def _schemas() -> dict:
    link = {
        "type": "object",
        "required": ["href"],
        "properties": {
            "href": {"type": "string"},
            "rel": {"type": "string"},
            "type": {"type": "string"},
            "hreflang": {"type": "string"},
            "title": {"type": "string"},
            "length": {"type": "integer"},
        },
    }
    links = {"type": "array", "items": _ref("schemas", "link")}
    return {
        "link": link,
        "landingPage": {
            "type": "object",
            "required": ["links"],
            "properties": {
                "title": {"type": "string"},
                "description": {"type": "string"},
                "links": links,
            },
        },
        "confClasses": {
            "type": "object",
            "required": ["conformsTo"],
            "properties": {"conformsTo": {"type": "array", "items": {"type": "string"}}},
        },
        "extent": {
            "type": "object",
            "properties": {
                "spatial": {
                    "type": "object",
                    "properties": {
                        "bbox": {
                            "type": "array",
                            "minItems": 1,
                            "items": {
                                "type": "array",
                                "minItems": 4,
                                "maxItems": 6,
                                "items": {"type": "number"},
                            },
                        },
                        "crs": {"type": "string", "enum": [CRS84], "default": CRS84},
                    },
                },
                "temporal": {
                    "type": "object",
                    "properties": {
                        "interval": {
                            "type": "array",
                            "minItems": 1,
                            "items": {
                                "type": "array",
                                "minItems": 2,
                                "maxItems": 2,
                                "items": {
                                    "type": "string",
                                    "format": "date-time",
                                    "nullable": True,
                                },
                            },
                        },
                        "trs": {"type": "string"},
                    },
                },
            },
        },
        "collection": {
            "type": "object",
            "required": ["id", "links"],
            "properties": {
                "id": {"type": "string"},
                "title": {"type": "string"},
                "description": {"type": "string"},
                "links": links,
                "extent": _ref("schemas", "extent"),
                "itemType": {"type": "string", "default": "feature"},
                "crs": {"type": "array", "items": {"type": "string"}},
                "storageCrs": {"type": "string"},
            },
        },
        "collections": {
            "type": "object",
            "required": ["links", "collections"],
            "properties": {
                "links": links,
                "collections": {"type": "array", "items": _ref("schemas", "collection")},
            },
        },
        "geometryGeoJSON": GEOJSON_GEOMETRY,
        "featureGeoJSON": {
            "type": "object",
            "required": ["type", "geometry", "properties"],
            "properties": {
                "type": {"type": "string", "enum": ["Feature"]},
                "id": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
                "geometry": {
                    "allOf": [_ref("schemas", "geometryGeoJSON")],
                    "nullable": True,
                },
                "properties": {"type": "object", "nullable": True},
                "links": links,
            },
        },
        "featureCollectionGeoJSON": {
            "type": "object",
            "required": ["type", "features"],
            "properties": {
                "type": {"type": "string", "enum": ["FeatureCollection"]},
                "features": {"type": "array", "items": _ref("schemas", "featureGeoJSON")},
                "links": links,
                "timeStamp": {"type": "string", "format": "date-time"},
                "numberMatched": {"type": "integer", "minimum": 0},
                "numberReturned": {"type": "integer", "minimum": 0},
                "limitCapped": {
                    "type": "object",
                    "properties": {
                        "requested": {"type": "integer"},
                        "applied": {"type": "integer"},
                        "detail": {"type": "string"},
                    },
                },
            },
        },
        "exception": {
            "type": "object",
            "required": ["detail", "code"],
            "properties": {
                "detail": {"type": "string"},
                "code": {"type": "string"},
                "parameter": {"type": "string"},
                "hint": {"type": "string"},
            },
        },
    }


def _html() -> dict:
    return {HTML: {"schema": {"type": "string"}}}


def _ok(description: str, media_type: str, schema: str) -> dict:
    return {
        "description": str(description),
        "content": {media_type: {"schema": _ref("schemas", schema)}, **_html()},
    }


def _errors(*statuses: str) -> dict:
    descriptions = {
        "400": _("A parameter is malformed or unknown; the answer names it."),
        "401": _("The credentials sent (API key, password) are wrong or revoked."),
        "404": _("No such collection or feature (or the caller may not see it)."),
    }
    return {
        status: {
            "description": str(descriptions[status]),
            "content": {JSON: {"schema": _ref("schemas", "exception")}},
        }
        for status in statuses
    }


def _operation(operation_id: str, summary: str, tag: str, parameters: list, responses: dict):
    return {
        "get": {
            "operationId": operation_id,
            "summary": str(summary),
            "tags": [tag],
            "parameters": parameters,
            # Any request may carry credentials, and wrong ones are refused.
            "responses": {**responses, **_errors("401")},
        }
    }


def _property_parameters(spec: LayerSpec, user) -> list[dict]:
    """One query parameter per filterable property: ``name=a,b`` is "equal to a or b"."""
    parameters = []
    for prop in spec.visible_fields(user):
        if not prop.filterable or prop.name in OGC_PARAMS:
            continue
        items = prop.json_schema()
        description = str(
            _("{title}: only features whose value is one of these (comma-separated).")
        ).format(title=prop.title or prop.name)
        # Any value may be asked for (one no feature has matches none): the known values
        # are said, not enforced.
        if "enum" in items:
            items = {k: v for k, v in items.items() if k != "enum"}
            description += " " + str(_("Values: {values}.")).format(
                values=", ".join(map(str, prop.json_schema()["enum"]))
            )
        parameter = {
            "name": prop.name,
            "in": "query",
            "required": False,
            "description": description,
            "schema": {"type": "array", "items": items},
            "style": "form",
            "explode": False,
        }
        if items.get("type") != "string" or "format" in items:
            # An empty value (an empty list) is a 400 for numbers, dates, booleans; for text
            # it is the value "".
            parameter["schema"]["minItems"] = 1
        parameters.append(parameter)
    return parameters


def _collection_paths(spec: LayerSpec, user) -> dict:
    base = f"/collections/{spec.slug}"
    items_params = [_ref("parameters", name) for name in _ITEMS_PARAMS]
    item_params = [_ref("parameters", "featureId")] + [
        _ref("parameters", name) for name in _ITEM_PARAMS
    ]
    tag = spec.slug
    return {
        base: _operation(
            f"describe-{spec.slug}",
            _("Describe {title}").format(title=spec.title),
            tag,
            [_ref("parameters", "f")],
            {**{"200": _ok(_("The collection."), JSON, "collection")}, **_errors("400")},
        ),
        f"{base}/items": _operation(
            f"get-{spec.slug}-features",
            _("Features of {title}").format(title=spec.title),
            tag,
            items_params + _property_parameters(spec, user),
            {
                "200": _ok(_("A page of features."), GEOJSON, "featureCollectionGeoJSON"),
                **_errors("400"),
            },
        ),
        f"{base}/items/{{featureId}}": _operation(
            f"get-{spec.slug}-feature",
            _("One feature of {title}").format(title=spec.title),
            tag,
            item_params,
            {"200": _ok(_("The feature."), GEOJSON, "featureGeoJSON"), **_errors("400", "404")},
        ),
    }


def document(server_url: str, specs: list[LayerSpec], user) -> dict:
    """The OpenAPI 3.0 document of the API as this caller sees it (their collections)."""
    collection_id = _ref("parameters", "collectionId")
    paths = {
        "/": _operation(
            "getLandingPage",
            pgettext("OGC API", "Landing page"),
            "Capabilities",
            [_ref("parameters", "f")],
            {"200": _ok(_("The landing page."), JSON, "landingPage"), **_errors("400")},
        ),
        "/conformance": _operation(
            "getConformanceDeclaration",
            _("Conformance classes implemented by this server"),
            "Capabilities",
            [_ref("parameters", "f")],
            {"200": _ok(_("The conformance classes."), JSON, "confClasses"), **_errors("400")},
        ),
        "/api": _operation(
            "getAPIDefinition",
            _("This API definition"),
            "Capabilities",
            [_ref("parameters", "f")],
            {
                "200": {
                    "description": str(_("The API definition (OpenAPI 3.0).")),
                    "content": {OPENAPI_JSON: {"schema": {"type": "object"}}, **_html()},
                },
                **_errors("400"),
            },
        ),
        "/collections": _operation(
            "getCollections",
            _("The collections (layers)"),
            "Capabilities",
            [_ref("parameters", "f")],
            {"200": _ok(_("The collections."), JSON, "collections"), **_errors("400")},
        ),
        "/collections/{collectionId}": _operation(
            "describeCollection",
            _("Describe a collection"),
            "Capabilities",
            [collection_id, _ref("parameters", "f")],
            {"200": _ok(_("The collection."), JSON, "collection"), **_errors("400", "404")},
        ),
        "/collections/{collectionId}/items": _operation(
            "getFeatures",
            _("Features of a collection"),
            "Data",
            [collection_id] + [_ref("parameters", name) for name in _ITEMS_PARAMS],
            {
                "200": _ok(_("A page of features."), GEOJSON, "featureCollectionGeoJSON"),
                **_errors("400", "404"),
            },
        ),
        "/collections/{collectionId}/items/{featureId}": _operation(
            "getFeature",
            pgettext("OGC API", "One feature"),
            "Data",
            [collection_id, _ref("parameters", "featureId")]
            + [_ref("parameters", name) for name in _ITEM_PARAMS],
            {"200": _ok(_("The feature."), GEOJSON, "featureGeoJSON"), **_errors("400", "404")},
        ),
    }
    for spec in specs:
        paths.update(_collection_paths(spec, user))
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": str(_("Common Map — OGC API Features")),
            "description": str(
                _(
                    "OGC API - Features (Part 1 Core, GeoJSON, HTML, OpenAPI 3.0; Part 2 "
                    "CRS by reference) over the layers of Ho Chi Minh City's common map."
                )
            ),
            "version": "1.0.0",
            "license": {"name": "AGPL-3.0-or-later (software); see each collection for its data"},
        },
        "servers": [{"url": server_url.rstrip("/")}],
        "tags": [
            {"name": "Capabilities", "description": str(_("What the server offers."))},
            {"name": "Data", "description": str(_("Access to the features."))},
            *({"name": spec.slug, "description": str(spec.title)} for spec in specs),
        ],
        "paths": paths,
        "components": {"parameters": _parameters(), "schemas": _schemas()},
    }
