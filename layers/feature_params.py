"""Query parameters of the feature APIs (GeoJSON API and OGC API Features) → FeatureQuery.

Both APIs share the parameters that mean the same thing (bbox, property filters, q,
near/nearest, fields, datetime); each adds its own paging and sorting names. A parameter
that is not understood is an error naming the ones that are: a misspelt filter must not
silently return the whole layer. The GeoJSON API's parameters are declared once, in
``FeatureParams``, which parses them (with ``parse_query``) and documents them in its
OpenAPI schema; the OGC API's are documented in OGC's own form (``layers.ogc``).
"""

import math
from datetime import datetime

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from rest_framework import serializers

from core.errors import InvalidParameter
from core.schema import DeclaredParameter
from layers.crs import parse_crs
from layers.features import MAX_NEAREST, MAX_RADIUS_M, FeatureQuery, Near
from layers.lookup import resolve_point
from layers.params import parse_bbox, parse_lon_lat, within_postgresql_offsets
from layers.spec import Field, LayerSpec

# "Four comma-separated values" and "two": the parsers count the parts first; each must then
# be a number in range (and a box's minimum at most its maximum), which a pattern cannot say.
FOUR_VALUES = r"^[^,]+(,[^,]+){3}$"
TWO_VALUES = r"^[^,]+,[^,]+$"
OGC_PARAMS = frozenset(
    {
        "bbox",
        "bbox-crs",
        "crs",
        "q",
        "near",
        "radius",
        "nearest",
        "k",
        "fields",
        "properties",
        "sortby",
        "datetime",
        "limit",
        "offset",
        "f",
        "ward_of",
    }
)


def _lon_lat(name: str, raw: str) -> tuple[float, float]:
    parts = raw.split(",")
    if len(parts) != 2:
        raise InvalidParameter(
            _("'{name}' must be lon,lat in WGS 84 degrees, got {raw}.").format(
                name=name, raw=repr(raw)
            ),
            parameter=name,
        )
    return parse_lon_lat(parts[0], parts[1], where=name)


def _positive(name: str, raw: str, maximum: float, integer: bool) -> float:
    try:
        value = int(raw) if integer else float(raw)
    except ValueError:
        value = None
    if value is None or not 0 < value <= maximum or value != value:
        kind = _("a whole number") if integer else _("a number")
        raise InvalidParameter(
            _("'{name}' must be {kind} greater than 0 and at most {maximum}, got {raw}.").format(
                name=name, kind=kind, maximum=f"{maximum:g}", raw=repr(raw)
            ),
            parameter=name,
        )
    return value


def _near(params) -> Near | None:
    near, nearest = params.get("near"), params.get("nearest")
    if near and nearest:
        raise InvalidParameter(
            _("Use either 'near' (with 'radius') or 'nearest' (with 'k'), not both."),
            parameter="nearest",
        )
    if near is not None:
        lon, lat = _lon_lat("near", near)
        if not params.get("radius"):
            raise InvalidParameter(
                _("'near' needs 'radius', in metres (at most {maximum:g}).").format(
                    maximum=MAX_RADIUS_M
                ),
                parameter="radius",
            )
        return Near(lon, lat, radius_m=_positive("radius", params["radius"], MAX_RADIUS_M, False))
    if nearest is not None:
        lon, lat = _lon_lat("nearest", nearest)
        k = _positive("k", params.get("k") or "10", MAX_NEAREST, True)
        return Near(lon, lat, k=int(k))
    for orphan, partner in (("radius", "near"), ("k", "nearest")):
        if params.get(orphan):
            raise InvalidParameter(
                _("'{orphan}' only works with '{partner}'.").format(orphan=orphan, partner=partner),
                parameter=orphan,
            )
    return None


def _fields(spec: LayerSpec, user, raw: str | None, name: str) -> tuple[Field, ...]:
    visible = spec.visible_fields(user)
    if raw is None:
        return visible
    chosen = []
    for item in filter(None, (part.strip() for part in raw.split(","))):
        prop = spec.field_named(item, user)
        if prop is None:
            raise InvalidParameter(
                _("Unknown property {name} in '{parameter}'; layer {slug} has: {known}.").format(
                    name=repr(item),
                    parameter=name,
                    slug=spec.slug,
                    known=", ".join(f.name for f in visible),
                ),
                parameter=name,
            )
        if prop not in chosen:
            chosen.append(prop)
    return tuple(chosen)


def _sort(spec: LayerSpec, user, raw: str | None, name: str) -> list[tuple[Field, bool]]:
    if not raw:
        return []
    terms = []
    for item in filter(None, (part.strip() for part in raw.split(","))):
        descending = item.startswith("-")
        prop_name = item.lstrip("+-").strip()
        prop = spec.field_named(prop_name, user)
        if prop is None or not prop.sortable:
            sortable = [f.name for f in spec.visible_fields(user) if f.sortable]
            raise InvalidParameter(
                _(
                    "Cannot sort by {name}; '{parameter}' takes these, each with an optional - "
                    "for descending order: {known}."
                ).format(name=repr(prop_name), parameter=name, known=", ".join(sortable)),
                parameter=name,
            )
        terms.append((prop, descending))
    return terms


def _instant(raw: str) -> str | None:
    if raw in ("..", ""):
        return None
    try:
        # A well-formed but impossible value (2025-02-30, T25:00, +25:00) raises ValueError.
        if "T" not in raw.upper() and parse_date(raw) is not None:
            return raw  # a calendar date
        value: datetime | None = parse_datetime(raw)
    except ValueError:
        value = None
    if value is None:
        raise InvalidParameter(
            _(
                "'datetime' must be an RFC 3339 date-time or date, or an interval start/end "
                "with .. for an open end, got {raw}."
            ).format(raw=repr(raw)),
            parameter="datetime",
        )
    return within_postgresql_offsets(value).isoformat()


def _datetime(query: FeatureQuery, raw: str | None) -> None:
    if raw is None:
        return
    query.datetime_given = True
    if "/" in raw:
        start, _slash, end = raw.partition("/")
        query.datetime_from, query.datetime_to = _instant(start), _instant(end)
        if start in ("..", "") and end in ("..", ""):
            raise InvalidParameter(
                _("'datetime' interval needs at least one end."), parameter="datetime"
            )
    else:
        instant = _instant(raw)
        if instant is None:
            raise InvalidParameter(
                _("'datetime' needs a date-time or an interval."), parameter="datetime"
            )
        if "T" not in raw.upper():  # a whole day (UTC)
            query.datetime_from, query.datetime_to = instant, instant + "T23:59:59.999999"
        else:
            query.datetime_from = query.datetime_to = instant


def parse_query(spec: LayerSpec, params, user, *, ogc: bool) -> FeatureQuery:
    """Validate the request's parameters for one layer; limit/offset are the caller's."""
    known = OGC_PARAMS if ogc else GEOJSON_API_PARAMS
    extra = {"page", "page_size", "format", "lang"}
    filters = []
    for name in params:
        if name in known or name in extra:
            continue
        prop = spec.field_named(name, user)
        if prop is None or not prop.filterable:
            filterable = [f.name for f in spec.visible_fields(user) if f.filterable]
            raise InvalidParameter(
                _(
                    "Unknown parameter {name}. Parameters: {params}; property filters of layer "
                    "{slug}: {props}."
                ).format(
                    name=repr(name),
                    params=", ".join(sorted(known)),
                    slug=spec.slug,
                    props=", ".join(filterable),
                ),
                parameter=name,
            )
        filters.append((prop, params.get(name)))
    if params.get("ward_of"):
        filters.append(_ward_of(spec, user, params["ward_of"]))

    query = FeatureQuery(
        fields=_fields(
            spec,
            user,
            params.get("properties") or params.get("fields"),
            "properties" if params.get("properties") else "fields",
        ),
        filters=filters,
        q=params.get("q") or None,
        near=_near(params),
        sort=_sort(
            spec, user, params.get("sortby" if ogc else "ordering"), "sortby" if ogc else "ordering"
        ),
    )
    if params.get("bbox") is not None:
        raw_bbox = bbox_2d(params["bbox"]) if ogc else params["bbox"]
        if ogc and params.get("bbox-crs"):
            bbox_crs = parse_crs(params.get("bbox-crs"), "bbox-crs")
            query.bbox, query.bbox_srid = _bbox_in(raw_bbox, bbox_crs), bbox_crs.srid
        else:
            query.bbox = parse_bbox(raw_bbox)
    elif ogc and params.get("bbox-crs"):
        parse_crs(params.get("bbox-crs"), "bbox-crs")
    if ogc:
        query.crs = parse_crs(params.get("crs"), "crs")
    _datetime(query, params.get("datetime"))
    return query


def bbox_2d(raw: str) -> str:
    """An OGC bbox of 6 numbers (a vertical extent: minX,minY,minZ,maxX,maxY,maxZ) as its
    horizontal part, the 4 numbers every layer here has (OGC API - Features, Part 1,
    /req/core/fc-bbox-definition); any other count is left for the bbox parser to refuse."""
    parts = raw.split(",")
    if len(parts) != 6:
        return raw
    return ",".join([parts[0], parts[1], parts[3], parts[4]])


def _ward_of(spec: LayerSpec, user, raw: str) -> tuple[Field, str]:
    """``ward_of=lon,lat``: the features of the ward that contains the point today, e.g.
    the one-stop desk that serves the place a resident stands."""
    prop = spec.field_named("ward_code", user)
    if prop is None:
        raise InvalidParameter(
            _("Layer {slug} has no ward: 'ward_of' is not available.").format(slug=spec.slug),
            parameter="ward_of",
        )
    lon, lat = _lon_lat("ward_of", raw)
    _generation, result = resolve_point(lon, lat, timezone.localdate())
    return prop, result.area.code


def _bbox_in(raw: str, crs) -> tuple[float, float, float, float]:
    """A bbox in a given CRS, reordered to x/y (lon/lat, easting/northing)."""
    if crs.srid == 4326 and not crs.lat_first:
        return parse_bbox(raw)
    if crs.lat_first:  # EPSG:4326: minLat,minLon,maxLat,maxLon
        parts = raw.split(",")
        if len(parts) == 4:
            lon_first = ",".join([parts[1], parts[0], parts[3], parts[2]])
            return parse_bbox(lon_first)
        return parse_bbox(raw)
    parts = raw.split(",")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        values = []
    if (
        len(values) != 4
        or not all(math.isfinite(v) for v in values)
        or values[0] > values[2]
        or values[1] > values[3]
    ):
        raise InvalidParameter(
            _("'bbox' in {crs} must be minX,minY,maxX,maxY in metres.").format(crs=crs.uri),
            parameter="bbox",
        )
    if crs.domain is not None:
        min_x, min_y, max_x, max_y = crs.domain
        if values[0] < min_x or values[1] < min_y or values[2] > max_x or values[3] > max_y:
            raise InvalidParameter(
                _(
                    "'bbox' in {crs} must lie within {domain} (metres), where the projection "
                    "is defined."
                ).format(crs=crs.uri, domain=",".join(f"{v:.0f}" for v in crs.domain)),
                parameter="bbox",
            )
    return tuple(values)


def fields_parameter() -> DeclaredParameter:
    """``fields``: which properties to return (the list and one feature take it)."""
    return DeclaredParameter(
        {"type": "string"}, "Comma-separated properties to return (empty: none)."
    )


class LayerQueryParams(serializers.Serializer):
    """Parameters of a layer's features, for the GeoJSON API: the layer and user come in
    the context (``spec``, ``user``). Validated, they are one ``query`` (a ``FeatureQuery``),
    parsed by ``parse_query`` with every rule that spans several parameters or depends on
    the layer (the property filters)."""

    def validate(self, attrs: dict) -> dict:
        """``{"query": FeatureQuery}`` from all the request's parameters; InvalidParameter
        naming the one at fault."""
        spec, user = self.context["spec"], self.context["user"]
        return {"query": parse_query(spec, self.initial_data, user, ogc=False)}


class FeatureParams(LayerQueryParams):
    """The parameters of a list or export of features, besides property filters and paging."""

    bbox = DeclaredParameter(
        {"type": "string", "pattern": FOUR_VALUES}, "minLon,minLat,maxLon,maxLat.", blank=False
    )
    q = DeclaredParameter({"type": "string"}, "Name contains this; diacritics optional.")
    near = DeclaredParameter(
        {"type": "string", "pattern": TWO_VALUES},
        "lon,lat: features within 'radius' metres (which it needs).",
        blank=False,
    )
    radius = DeclaredParameter(
        {"type": "number", "minimum": 0, "exclusiveMinimum": True, "maximum": MAX_RADIUS_M},
        f"Metres, with 'near' only (at most {MAX_RADIUS_M:g}).",
    )
    nearest = DeclaredParameter(
        {"type": "string", "pattern": TWO_VALUES},
        "lon,lat: the 'k' nearest features, nearest first.",
        blank=False,
    )
    k = DeclaredParameter(
        {"type": "integer", "minimum": 1, "maximum": MAX_NEAREST},
        "How many nearest features (default 10), with 'nearest' only.",
    )
    fields = fields_parameter()
    ordering = DeclaredParameter({"type": "string"}, "Properties to sort by; -name descending.")
    datetime = DeclaredParameter(
        {"type": "string", "minLength": 1},
        "Instant, date or interval start/end ('..' open); layers with time only.",
        blank=False,
    )
    ward_of = DeclaredParameter(
        {"type": "string"}, "lon,lat: features of the ward containing the point."
    )


class FeatureDetailParams(LayerQueryParams):
    """The parameter of one feature: which properties to return; no filter applies."""

    fields = fields_parameter()

    def validate(self, attrs: dict) -> dict:
        """As for a list, after refusing every parameter but ``fields``."""
        unknown = sorted(set(self.initial_data) - {"fields", "format", "lang"})
        if unknown:
            raise InvalidParameter(
                _("Unknown parameter {name}; a feature takes only 'fields'.").format(
                    name=repr(unknown[0])
                ),
                parameter=unknown[0],
            )
        return super().validate(attrs)


GEOJSON_API_PARAMS = frozenset(FeatureParams().fields)
