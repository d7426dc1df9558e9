"""Who a caller is when it has no account: its network address, as a keyed hash."""

import hashlib

from django.conf import settings


def client_of(request) -> str:
    """Who an anonymous caller is: a hash of their address (never stored raw). Behind a
    reverse proxy, ``COMMONMAP_CLIENT_IP_HEADER`` names the header it sets (X-Real-IP, or
    X-Forwarded-For, whose last entry is the one the proxy added); otherwise every caller
    would share the proxy's address and its limits."""
    address = request.META.get("REMOTE_ADDR", "")
    header = settings.COMMONMAP["CLIENT_IP_HEADER"]
    if header:
        forwarded = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
        address = forwarded.split(",")[-1].strip() or address
    address = address or "unknown"
    return hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:24]
