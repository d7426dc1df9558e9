"""Vector tiles, TileJSON and the MapLibre style, for any public layers of the registry.

Plain Django views (not DRF): map clients send ``Accept`` headers that content negotiation
would refuse, and tiles are bytes, not representations. They parse the path and call
``tiles/services.py``, ``tiles/tilejson.py`` and ``tiles/style.py``.
"""

import gzip

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from core import front
from core.errors import json_errors
from layers.registry import registered_slugs, restricted_builtin_slugs
from logins.basic import basic_auth
from tiles.services import builtin_tile, check_tile, imported_tile, slugs_in, specs_named
from tiles.style import style_for
from tiles.tilejson import tilejson_for

MVT = "application/vnd.mapbox-vector-tile"


def _cache_headers(response: HttpResponse, private: bool) -> HttpResponse:
    """Public layers may be kept by any cache; staff-only ones by the caller's browser only,
    and never served to another caller (``Vary``)."""
    max_age = settings.COMMONMAP["TILE_MAX_AGE"]
    if private:
        response["Cache-Control"] = f"private, max-age={max_age}"
        response["Vary"] = "Accept-Encoding, Authorization, Cookie"
    else:
        response["Cache-Control"] = f"public, max-age={max_age}"
        response["Vary"] = "Accept-Encoding"
    return response


def _headers(response: HttpResponse, etag: str, private: bool) -> HttpResponse:
    response["ETag"] = f'"{etag}"'
    return _cache_headers(response, private)


@require_GET
@json_errors
@basic_auth
def tile(request, layers: str, z: int, x: int, y: int):
    """One tile: 200 (gzip when accepted), 204 when empty, 304 when the ETag matches."""
    slugs = slugs_in(layers)
    check_tile(z, x, y)
    # A built-in layer that is not public is checked against its own permission first (a
    # 404 to whoever may not see it), and its tiles are never shared.
    restricted = [s for s in slugs if s in restricted_builtin_slugs()]
    if restricted:
        specs_named(",".join(restricted), request.user)
    builtin = registered_slugs()
    # Either way one round trip finds the tile, or makes it when none is stored (imported
    # layers: and says whether the caller may see them and whether any is staff-only).
    if all(s in builtin for s in slugs):
        data, etag = builtin_tile(specs_named(layers, request.user), z, x, y)
        private = bool(restricted)
    else:
        data, etag, staff_only = imported_tile(slugs, request.user, z, x, y)
        private = bool(restricted) or staff_only
    if request.headers.get("If-None-Match", "").strip() in (f'"{etag}"', f'W/"{etag}"', "*"):
        response = HttpResponse(status=304)
    elif not data:
        response = HttpResponse(status=204)
    elif "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(data, content_type=MVT)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(gzip.decompress(data), content_type=MVT)
    return front.tag(_headers(response, etag, private), slugs, (z, x, y))


@require_GET
@json_errors
@basic_auth
def tilejson(request, layers: str):
    """TileJSON 3.0.0 for one layer or a comma-separated set."""
    specs = specs_named(layers, request.user)
    response = JsonResponse(tilejson_for(request, specs), json_dumps_params={"ensure_ascii": False})
    front.tag(response, [s.slug for s in specs])
    return _cache_headers(response, private=any(not s.public for s in specs))


@require_GET
@json_errors
def style(request):
    """A MapLibre GL style (v8) drawing every public layer from one multi-layer source."""
    response = JsonResponse(style_for(request), json_dumps_params={"ensure_ascii": False})
    return _cache_headers(front.tag(response, [front.EVERY_LAYER]), private=False)
