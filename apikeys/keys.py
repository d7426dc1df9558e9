"""Issuing, finding and revoking API keys, and the DRF authentication that reads them.

A caller sends its key as ``X-Api-Key: cm_...`` (or ``Authorization: ApiKey cm_...``) or,
for Open311 clients, as the ``api_key`` parameter. A revoked, unknown or malformed key is a
401 with the reason; a key without the API's scope is a 403.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from apikeys.models import ApiKey, Scope
from core.errors import NotAuthenticated

PREFIX = "cm"
# last_used_at is written at most this often per key: not a write per request.
TOUCH_EVERY = timedelta(minutes=5)


def digest(raw: str) -> str:
    """The stored form of a key."""
    return hashlib.sha256(raw.encode()).hexdigest()


def create_key(name: str, scopes: list[str]) -> tuple[ApiKey, str]:
    """A new key for ``name`` with ``scopes``: (the row, the key itself, shown only now)."""
    unknown = sorted(set(scopes) - set(Scope.values))
    if not scopes or unknown:
        raise ValueError(
            _("Unknown scope {scopes}; use {known}.").format(
                scopes=", ".join(unknown) or "-", known=", ".join(Scope.values)
            )
        )
    name = name.strip()
    if not name:
        raise ValueError(_("A key needs a name (who uses it)."))
    prefix = secrets.token_hex(4)
    raw = f"{PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey.objects.create(
        name=name, prefix=prefix, key_hash=digest(raw), scopes=sorted(set(scopes))
    )
    return key, raw


def revoke(prefix: str) -> ApiKey:
    """Revoke the key with this prefix (or whole key); LookupError if there is none."""
    prefix = prefix.strip()
    if prefix.startswith(f"{PREFIX}_"):
        prefix = prefix.split("_")[1]
    with transaction.atomic():
        key = ApiKey.objects.select_for_update().filter(prefix=prefix).first()
        if key is None:
            raise LookupError(prefix)
        if key.revoked_at is None:
            key.revoked_at = timezone.now()
            key.save(update_fields=["revoked_at"])
    return key


class InvalidApiKey(NotAuthenticated):
    """An unknown or revoked key (401, with the reason)."""

    code = "invalid_api_key"

    def __init__(self, message: str):
        super().__init__(message, parameter="api_key", headers={"WWW-Authenticate": "ApiKey"})


def find(raw: str) -> ApiKey:
    """The active key for ``raw``; InvalidApiKey saying why not."""
    key = ApiKey.objects.filter(key_hash=digest(raw.strip())).first()
    if key is None:
        raise InvalidApiKey(_("Unknown API key."))
    if key.revoked_at is not None:
        raise InvalidApiKey(
            _("This API key was revoked on {date}.").format(date=key.revoked_at.date())
        )
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > TOUCH_EVERY:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key


@dataclass(frozen=True)
class ServiceAccount:
    """The ``request.user`` of a request made with an API key: not a person, no permissions."""

    key: ApiKey
    is_authenticated: bool = True
    is_anonymous: bool = False
    is_superuser: bool = False
    is_staff: bool = False
    is_active: bool = True
    pk: None = None
    id: None = None

    def has_perm(self, perm, obj=None) -> bool:
        """Service accounts hold scopes, not Django permissions."""
        return False

    def has_scope(self, scope: str) -> bool:
        """Whether the key may be used for this API."""
        return scope in self.key.scopes

    def __str__(self) -> str:
        return f"api-key:{self.key.prefix}"


def raw_key(request) -> str | None:
    """The key a request carries, if any (header first, then the ``api_key`` parameter)."""
    header = request.META.get("HTTP_X_API_KEY")
    if header:
        return header
    auth = request.META.get("HTTP_AUTHORIZATION", "")
    if auth[:7].lower() == "apikey ":
        return auth[7:]
    query = getattr(request, "query_params", request.GET)
    value = query.get("api_key")
    if value:
        return value
    if request.method == "POST" and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        return request.POST.get("api_key") or None
    return None


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """DRF authentication by API key; the user is a ``ServiceAccount``. A bad key raises a
    domain error (401 with its reason) rather than DRF's, whose status would depend on the
    order of the authentication classes."""

    def authenticate(self, request):
        """(ServiceAccount, key) when the request carries a key; None when it carries none."""
        raw = raw_key(request)
        if not raw:
            return None
        try:
            key = find(raw)
        except InvalidApiKey:
            # As DRF does for its own errors: rendering the 401 (the browsable API reads
            # request.user) must not try the key again and fail with a 500.
            request.user = None
            raise
        return ServiceAccount(key), key


def require_scope(request, scope: str) -> None:
    """PermissionDenied unless the request is by a key with ``scope`` (or by a person)."""
    user = request.user
    if isinstance(user, ServiceAccount) and not user.has_scope(scope):
        raise exceptions.PermissionDenied(
            _("This API key is not for {scope}; its scopes are {scopes}.").format(
                scope=scope, scopes=", ".join(user.key.scopes)
            )
        )
