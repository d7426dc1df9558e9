"""Raster tiles (PNG) of public layers and the basemap: MapProxy's source.

A tile takes seconds to draw and the renderer keeps nothing, so it draws for MapProxy
alone, which caches and limits how many it asks for at once: a request without the shared
token (``COMMONMAP_RASTER_TOKEN``, which ``manage.py mapproxy_config`` writes into
MapProxy's configuration) is a 403 that points to MapProxy. Otherwise the same names,
limits, statuses and caching headers as the vector tiles (tiles/views.py).
"""

import hashlib
import hmac

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.errors import Forbidden, json_errors
from layers.spec import LayerSpec
from tiles import raster
from tiles.services import check_tile, specs_named

PNG = "image/png"


def _headers(response: HttpResponse, etag: str) -> HttpResponse:
    response["ETag"] = f'"{etag}"'
    response["Cache-Control"] = f"public, max-age={settings.COMMONMAP['TILE_MAX_AGE']}"
    return response


def parse_layers(raw: str, user) -> tuple[bool, list[LayerSpec]]:
    """(basemap asked for, the registry layers) of a comma-separated list: ``basemap`` is a
    pseudo-layer, always drawn beneath the others; every other name follows the vector
    tiles' rules (400 for an empty, too long or repeated list, 404 for an unknown layer)."""
    names = raw.split(",")
    if names.count(raster.BASEMAP) != 1:
        return False, specs_named(raw, user)
    others = [name for name in names if name and name != raster.BASEMAP]
    return True, (specs_named(",".join(others), user) if others else [])


def check_token(request) -> None:
    """Forbidden unless the request bears the renderer's token (MapProxy does)."""
    sent = request.headers.get(raster.RASTER_TOKEN_HEADER, "")
    if hmac.compare_digest(sent.encode(), settings.COMMONMAP["RASTER_TOKEN"].encode()):
        return
    mapproxy = settings.COMMONMAP["MAPPROXY_URL"].rstrip("/")
    raise Forbidden(
        _("Raster tiles are drawn for MapProxy only; ask MapProxy, which caches them."),
        hint=_(
            "One layer: {mapproxy}/tiles/<layer>/EPSG3857/{{z}}/{{x}}/{{y}}.png?origin=nw "
            "(the same numbering); every layer: {mapproxy}/wmts/1.0.0/WMTSCapabilities.xml."
        ).format(mapproxy=mapproxy),
        extra={"mapproxy": mapproxy},
    )


@require_GET
@json_errors
def raster_tile(request, layers: str, z: int, x: int, y: int):
    """One 256 × 256 PNG tile: opaque with the basemap, transparent where the data layers
    are empty; 304 when the ETag matches; 403 without MapProxy's token."""
    check_token(request)
    basemap, specs = parse_layers(layers, request.user)
    check_tile(z, x, y)
    png = raster.render_tile(specs, basemap, z, x, y)
    etag = hashlib.blake2b(png, digest_size=12).hexdigest()
    if request.headers.get("If-None-Match", "").strip() in (f'"{etag}"', f'W/"{etag}"', "*"):
        return _headers(HttpResponse(status=304), etag)
    return _headers(HttpResponse(png, content_type=PNG), etag)
