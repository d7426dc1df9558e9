"""Parsing request parameters into plain values, with errors that say how to fix them."""

import math
from datetime import UTC, date, datetime, timedelta

from django.utils.translation import gettext as _

from core.errors import InvalidParameter, PayloadTooLarge

# Viet Nam's mainland and islands lie within these; used only to spot swapped lat/lon.
_VN_LON = (102.0, 118.0)
_VN_LAT = (7.0, 24.0)


def _number(name: str, raw: object) -> float:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise InvalidParameter(
            _("Missing required parameter '{name}'.").format(name=name), parameter=name
        )
    if isinstance(raw, bool):
        raise InvalidParameter(
            _("'{name}' must be a number, got {raw}.").format(name=name, raw=repr(raw)),
            parameter=name,
        )
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise InvalidParameter(
            _("'{name}' must be a number in decimal degrees, got {raw}.").format(
                name=name, raw=repr(raw)
            ),
            parameter=name,
        ) from None
    if not math.isfinite(value):
        raise InvalidParameter(
            _("'{name}' must be a finite number, got {raw}.").format(name=name, raw=repr(raw)),
            parameter=name,
        )
    return value


def looks_swapped(lon: float, lat: float) -> bool:
    """True when (lat, lon) would be a point in Viet Nam but (lon, lat) is not."""
    in_vn = _VN_LON[0] <= lon <= _VN_LON[1] and _VN_LAT[0] <= lat <= _VN_LAT[1]
    swapped_in_vn = _VN_LON[0] <= lat <= _VN_LON[1] and _VN_LAT[0] <= lon <= _VN_LAT[1]
    return swapped_in_vn and not in_vn


def _swap_hint(lon: float, lat: float, where: str = "") -> str | None:
    if looks_swapped(lon, lat):
        return _("lon and lat look swapped{where}: did you mean lon={lat}&lat={lon}?").format(
            where=where, lat=lat, lon=lon
        )
    return None


def parse_lon_lat(raw_lon: object, raw_lat: object, where: str = "") -> tuple[float, float]:
    """Validate a WGS 84 longitude/latitude pair; ``where`` names it in a batch ("points[3]")."""
    prefix = f"{where}: " if where else ""
    lon = _number(f"{where}.lon" if where else "lon", raw_lon)
    lat = _number(f"{where}.lat" if where else "lat", raw_lat)
    if not -90.0 <= lat <= 90.0:
        raise InvalidParameter(
            prefix
            + _("latitude {lat} is out of range: it must be between -90 and 90.").format(lat=lat),
            parameter=f"{where}.lat" if where else "lat",
            hint=_swap_hint(lon, lat, _(" in {where}").format(where=where) if where else ""),
        )
    if not -180.0 <= lon <= 180.0:
        raise InvalidParameter(
            prefix
            + _("longitude {lon} is out of range: it must be between -180 and 180.").format(
                lon=lon
            ),
            parameter=f"{where}.lon" if where else "lon",
        )
    return lon, lat


def parse_date(raw: str | None, default: date) -> date:
    """A YYYY-MM-DD date, or ``default`` when absent."""
    if raw is None or raw == "":
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidParameter(
            _("'date' must be a calendar date as YYYY-MM-DD, got {raw}.").format(raw=repr(raw)),
            parameter="date",
        ) from None


def parse_bbox(raw: str) -> tuple[float, float, float, float]:
    """``minLon,minLat,maxLon,maxLat`` in WGS 84."""
    parts = raw.split(",")
    usage = _("use bbox=minLon,minLat,maxLon,maxLat in WGS 84 degrees")
    if len(parts) != 4:
        raise InvalidParameter(
            _("'bbox' needs 4 comma-separated numbers, got {n}: {usage}.").format(
                n=len(parts), usage=usage
            ),
            parameter="bbox",
        )
    try:
        min_lon, min_lat, max_lon, max_lat = (float(p) for p in parts)
    except ValueError:
        raise InvalidParameter(
            _("'bbox' has a value that is not a number: {usage}.").format(usage=usage),
            parameter="bbox",
        ) from None
    if not all(math.isfinite(v) for v in (min_lon, min_lat, max_lon, max_lat)):
        raise InvalidParameter(
            _("'bbox' values must be finite: {usage}.").format(usage=usage), parameter="bbox"
        )
    if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180):
        raise InvalidParameter(
            _("'bbox' longitudes must be between -180 and 180."), parameter="bbox"
        )
    if not (-90 <= min_lat <= 90 and -90 <= max_lat <= 90):
        raise InvalidParameter(
            _("'bbox' latitudes must be between -90 and 90."),
            parameter="bbox",
            hint=_("the order is minLon,minLat,maxLon,maxLat"),
        )
    if min_lon > max_lon or min_lat > max_lat:
        raise InvalidParameter(
            _(
                "'bbox' minimum is greater than its maximum: the order is "
                "minLon,minLat,maxLon,maxLat."
            ),
            parameter="bbox",
        )
    return min_lon, min_lat, max_lon, max_lat


def parse_positive_float(name: str, raw: str, *, maximum: float) -> float:
    """A number in (0, maximum]."""
    value = _number(name, raw)
    if not 0 < value <= maximum:
        raise InvalidParameter(
            _("'{name}' must be greater than 0 and at most {maximum}, got {raw}.").format(
                name=name, maximum=f"{maximum:g}", raw=raw
            ),
            parameter=name,
        )
    return value


def parse_points(body: object, maximum: int) -> list[tuple[float, float]]:
    """Points of a batch: ``[[lon, lat], ...]``, ``[{"lon":…, "lat":…}, ...]``,
    a GeoJSON MultiPoint, or an object holding one of those under ``points``."""
    if isinstance(body, dict) and body.get("type") == "MultiPoint":
        items = body.get("coordinates")
    elif isinstance(body, dict) and "points" in body:
        items = body["points"]
    else:
        items = body
    if not isinstance(items, list):
        raise InvalidParameter(
            _(
                'The body must be a JSON list of [lon, lat] pairs or {"lon", "lat"} objects, '
                "or a GeoJSON MultiPoint."
            ),
            parameter="points",
        )
    if not items:
        raise InvalidParameter(_("The batch has no points."), parameter="points")
    if len(items) > maximum:
        raise PayloadTooLarge(
            _("The batch has {n} points; at most {maximum} are allowed per request.").format(
                n=len(items), maximum=maximum
            ),
            parameter="points",
            hint=_("Split the batch into several requests."),
        )
    points = []
    for i, item in enumerate(items):
        where = f"points[{i}]"
        if isinstance(item, dict):
            points.append(parse_lon_lat(item.get("lon"), item.get("lat"), where))
        elif isinstance(item, list | tuple) and len(item) in (2, 3):
            points.append(parse_lon_lat(item[0], item[1], where))
        else:
            raise InvalidParameter(
                _('{where} must be [lon, lat] or {{"lon": …, "lat": …}}, got {item}.').format(
                    where=where, item=f"{item!r:.80}"
                ),
                parameter=where,
            )
    return points


def refuse_unknown(params, accepted: frozenset[str]) -> None:
    """InvalidParameter for the first parameter not in ``accepted``, listing those that are:
    a misspelt filter must not silently return everything."""
    unknown = sorted(set(params) - accepted - {"format", "lang"})
    if unknown:
        raise InvalidParameter(
            _("Unknown parameter {name}. Parameters: {params}.").format(
                name=repr(unknown[0]), params=", ".join(sorted(accepted))
            ),
            parameter=unknown[0],
        )


# PostgreSQL's time zone displacement stops at ±15:59; RFC 3339 and Python go to ±23:59.
_POSTGRESQL_MAX_OFFSET = timedelta(hours=15, minutes=59)


def within_postgresql_offsets(moment: datetime) -> datetime:
    """``moment`` as it is, or in UTC when its offset is one PostgreSQL refuses (-20:18):
    the same instant either way. Small offsets stay, so 0001-01-01 stays representable."""
    offset = moment.utcoffset()
    if offset is not None and abs(offset) > _POSTGRESQL_MAX_OFFSET:
        return moment.astimezone(UTC)
    return moment
