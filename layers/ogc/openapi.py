"""The OpenAPI 3.0 definition of the OGC API at /ogc/api (conformance class oas30).

Written out by hand in OGC's own shape (the building blocks of the OGC API - Features
OpenAPI fragments) rather than generated from the views: clients such as GDAL and QGIS
read the parameters of ``/collections/{collectionId}/items`` from it, and the queryable
properties of each collection from its own ``/collections/<id>/items`` path, which lists
one query parameter per filterable property the caller may see.

The shared parameters and queryables are in ``openapi_parameters``, the schemas in
``openapi_schemas``; this module writes the paths and the document.
"""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from layers.ogc.documents import GEOJSON, HTML, JSON, OPENAPI_JSON
from layers.ogc.openapi_parameters import (
    ITEM_PARAMS,
    ITEMS_PARAMS,
    parameters,
    property_parameters,
    ref,
)
from layers.ogc.openapi_schemas import schemas
from layers.spec import LayerSpec

OPENAPI_VERSION = "3.0.3"


def _html() -> dict:
    return {HTML: {"schema": {"type": "string"}}}


def _ok(description: str, media_type: str, schema: str) -> dict:
    return {
        "description": str(description),
        "content": {media_type: {"schema": ref("schemas", schema)}, **_html()},
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
            "content": {JSON: {"schema": ref("schemas", "exception")}},
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


def _collection_paths(spec: LayerSpec, user) -> dict:
    base = f"/collections/{spec.slug}"
    items_params = [ref("parameters", name) for name in ITEMS_PARAMS]
    item_params = [ref("parameters", "featureId")] + [
        ref("parameters", name) for name in ITEM_PARAMS
    ]
    tag = spec.slug
    return {
        base: _operation(
            f"describe-{spec.slug}",
            _("Describe {title}").format(title=spec.title),
            tag,
            [ref("parameters", "f")],
            {**{"200": _ok(_("The collection."), JSON, "collection")}, **_errors("400")},
        ),
        f"{base}/items": _operation(
            f"get-{spec.slug}-features",
            _("Features of {title}").format(title=spec.title),
            tag,
            items_params + property_parameters(spec, user),
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
    collection_id = ref("parameters", "collectionId")
    paths = {
        "/": _operation(
            "getLandingPage",
            pgettext("OGC API", "Landing page"),
            "Capabilities",
            [ref("parameters", "f")],
            {"200": _ok(_("The landing page."), JSON, "landingPage"), **_errors("400")},
        ),
        "/conformance": _operation(
            "getConformanceDeclaration",
            _("Conformance classes implemented by this server"),
            "Capabilities",
            [ref("parameters", "f")],
            {"200": _ok(_("The conformance classes."), JSON, "confClasses"), **_errors("400")},
        ),
        "/api": _operation(
            "getAPIDefinition",
            _("This API definition"),
            "Capabilities",
            [ref("parameters", "f")],
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
            [ref("parameters", "f")],
            {"200": _ok(_("The collections."), JSON, "collections"), **_errors("400")},
        ),
        "/collections/{collectionId}": _operation(
            "describeCollection",
            _("Describe a collection"),
            "Capabilities",
            [collection_id, ref("parameters", "f")],
            {"200": _ok(_("The collection."), JSON, "collection"), **_errors("400", "404")},
        ),
        "/collections/{collectionId}/items": _operation(
            "getFeatures",
            _("Features of a collection"),
            "Data",
            [collection_id] + [ref("parameters", name) for name in ITEMS_PARAMS],
            {
                "200": _ok(_("A page of features."), GEOJSON, "featureCollectionGeoJSON"),
                **_errors("400", "404"),
            },
        ),
        "/collections/{collectionId}/items/{featureId}": _operation(
            "getFeature",
            pgettext("OGC API", "One feature"),
            "Data",
            [collection_id, ref("parameters", "featureId")]
            + [ref("parameters", name) for name in ITEM_PARAMS],
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
        "components": {"parameters": parameters(), "schemas": schemas()},
    }
