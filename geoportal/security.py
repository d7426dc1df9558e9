"""Content-Security-Policy for every answer, and who may frame the pages.

HTML pages get a policy that lets them load only the site's own scripts (plus inline
scripts that carry the request's nonce, ``{{ request.csp_nonce }}`` in a template), styles,
images and workers; everything else (JSON, tiles, images) gets ``default-src 'none'``, so a
document opened directly in a browser runs nothing. ``frame-ancestors`` comes from
``COMMONMAP_FRAME_ANCESTORS`` and replaces ``X-Frame-Options``, which can name no other site:
the city's app may embed the map. The Django admin has a looser policy of its own, because
GeoDjango's map widget runs inline scripts and loads OpenLayers and OpenStreetMap tiles from
their sites.
"""

import secrets
from urllib.parse import urlsplit

from django.conf import settings

# Inline styles: Leaflet, Swagger UI and ReDoc set them from scripts and in their markup.
PAGE_POLICY = (
    "default-src 'self'",
    "script-src 'self' 'nonce-{nonce}'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
)
ADMIN_POLICY = (
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net",
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net",
    "img-src 'self' data: https://tile.openstreetmap.org https://*.tile.openstreetmap.org",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
)
DOCUMENT_POLICY = ("default-src 'none'",)
# A script's own policy binds it when it runs as a worker (MapLibre's worker fetches the
# tiles and the style's images): same-origin fetches only, nothing else.
SCRIPT_POLICY = ("default-src 'none'", "connect-src 'self'", "img-src 'self' data: blob:")
SCRIPT_TYPES = ("text/javascript", "application/javascript")
ADMIN_PREFIX = "/admin/"


def mapproxy_origin() -> str:
    """The origin of ``COMMONMAP_MAPPROXY_URL`` (the map's fallback shows its tiles), or ""."""
    parts = urlsplit(settings.COMMONMAP.get("MAPPROXY_URL") or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def policy_for(path: str, content_type: str, nonce: str) -> str:
    """The Content-Security-Policy header of an answer to ``path``."""
    if content_type.startswith(SCRIPT_TYPES):
        parts = SCRIPT_POLICY
    elif not content_type.startswith("text/html"):
        parts = DOCUMENT_POLICY
    elif path.startswith(ADMIN_PREFIX):
        parts = ADMIN_POLICY
    else:
        # MapProxy's raster tiles, which the map's no-WebGL fallback shows.
        origin = mapproxy_origin()
        images = "img-src 'self' data: blob:"
        parts = tuple(f"{p} {origin}" if origin and p == images else p for p in PAGE_POLICY)
    ancestors = " ".join(settings.CSP_FRAME_ANCESTORS) or "'none'"
    return "; ".join([*(p.format(nonce=nonce) for p in parts), f"frame-ancestors {ancestors}"])


def frame_options() -> str | None:
    """``X-Frame-Options`` for browsers without CSP, when it can say the same thing: it knows
    only "this site" and "nobody"."""
    ancestors = settings.CSP_FRAME_ANCESTORS
    if ancestors == ["'self'"]:
        return "SAMEORIGIN"
    if ancestors in ([], ["'none'"]):
        return "DENY"
    return None


class ContentSecurityPolicy:
    """Middleware: a nonce for the request's templates, the policy on its answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy_for(
                request.path, response.get("Content-Type", ""), request.csp_nonce
            )
        framing = frame_options()
        if framing and "X-Frame-Options" not in response:
            response["X-Frame-Options"] = framing
        return response
