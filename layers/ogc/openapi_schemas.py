"""The schemas of the OGC API definition (``components/schemas`` of ``layers.ogc.openapi``):
OGC's building blocks (link, landing page, conformance, collections, GeoJSON) and the error
body.
"""

from core.schema import GEOJSON_GEOMETRY
from layers.crs import CRS84
from layers.ogc.openapi_parameters import ref


def schemas() -> dict:
    """``components/schemas``: the resources and GeoJSON bodies the operations answer."""
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
    links = {"type": "array", "items": ref("schemas", "link")}
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
                "extent": ref("schemas", "extent"),
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
                "collections": {"type": "array", "items": ref("schemas", "collection")},
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
                    "allOf": [ref("schemas", "geometryGeoJSON")],
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
                "features": {"type": "array", "items": ref("schemas", "featureGeoJSON")},
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
