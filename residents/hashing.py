"""The only form of a resident this API keeps: an HMAC-SHA256 of their subject.

The message is namespaced (``oidc:<issuer>|<sub>`` or ``service:<id>``) so a subject of the
identity provider and a service account's resident id can never give the same key.
"""

import hashlib
import hmac

from django.conf import settings


def _mac(message: str, secret: str | None) -> str:
    key = secret if secret is not None else settings.COMMONMAP["RESIDENT_SECRET"]
    if not key:
        raise ValueError("COMMONMAP_RESIDENT_SECRET is not set")
    return hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest()


def oidc_resident_key(issuer: str, subject: str, secret: str | None = None) -> str:
    """The key (64 hex digits) of the subject ``subject`` of the identity provider ``issuer``."""
    return _mac(f"oidc:{issuer}|{subject}", secret)


def service_resident_key(resident_id: str, secret: str | None = None) -> str:
    """The key (64 hex digits) of the pseudonymous id a service account names."""
    return _mac(f"service:{resident_id}", secret)
