"""The parameters of the OGC API definition (``layers.ogc.openapi``): the shared ones
under ``components/parameters`` (OGC's building blocks, with this server's limits) and the
queryables of each collection, one query parameter per filterable property.
"""

from django.conf import settings
from django.utils.translation import gettext as _

from layers.crs import CRS84
from layers.feature_params import OGC_PARAMS, TWO_VALUES
from layers.features import MAX_NEAREST, MAX_RADIUS_M
from layers.ogc.documents import CRS_URIS
from layers.spec import LayerSpec


def ref(kind: str, name: str) -> dict:
    """A reference to a component of the document (``ref("schemas", "link")``)."""
    return {"$ref": f"#/components/{kind}/{name}"}


def parameters() -> dict:
    """``components/parameters``: every query and path parameter the operations share."""
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


ITEMS_PARAMS = (
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
ITEM_PARAMS = ("crs", "properties", "f")


def property_parameters(spec: LayerSpec, user) -> list[dict]:
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
