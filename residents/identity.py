"""Who a resident call is from: ``resident_of(request)``, the one entry every
resident-facing view calls.

Two ways in:

- ``Authorization: Bearer <JWT>``: an OpenID Connect token of the identity provider
  (``residents.oidc``), verified against its published keys;
- the city app's back end: an API key with the ``residents`` scope naming a pseudonymous
  resident in ``X-Resident-Id``.

Either way only a keyed hash of the subject leaves this module (``residents.hashing``);
the national ID number never reaches this API and the raw subject is never stored.
"""

import re
from dataclasses import dataclass, field
from typing import Literal

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from rest_framework.request import Request

from apikeys.keys import ServiceAccount, find, raw_key
from apikeys.models import Scope
from core.errors import Forbidden, InvalidParameter
from residents import oidc
from residents.errors import ResidentNotAuthenticated
from residents.hashing import oidc_resident_key, service_resident_key

RESIDENT_ID_HEADER = "X-Resident-Id"
# 1-128 printable ASCII characters, no spaces: a pseudonymous id, never a national ID number
# by contract (the API cannot tell, it keeps only the hash anyway).
_RESIDENT_ID = re.compile(r"[\x21-\x7e]{1,128}")


@dataclass(frozen=True)
class Resident:
    """A resident as this API knows them: the keyed hash of their subject (hex) and the way
    they came in. The key is what "one per resident" counts; never show it to anyone."""

    key: str = field(repr=False)
    via: Literal["oidc", "service"]


def resident_of(request: Request | HttpRequest) -> Resident:
    """The resident a request is made for, or a precise error: 401 (with a ``Bearer``
    challenge) when it names none or the token is refused, 403 for an API key without the
    ``residents`` scope, 400 naming ``X-Resident-Id`` when that header is missing or bad."""
    token = _bearer_token(request)
    resident_id = request.META.get("HTTP_X_RESIDENT_ID")
    if token is not None:
        if resident_id is not None:
            raise InvalidParameter(
                _("Send either a bearer token or X-Resident-Id with an API key, not both."),
                parameter=RESIDENT_ID_HEADER,
            )
        _require_secret()
        issuer, subject = oidc.verify_bearer(token)
        return Resident(key=oidc_resident_key(issuer, subject), via="oidc")
    account = _service_account(request)
    if account is None:
        if resident_id is not None:
            raise ResidentNotAuthenticated(
                _("X-Resident-Id is for the city app's back end: send its API key with it."),
                hint="X-Api-Key",
            )
        raise ResidentNotAuthenticated(
            _(
                "This is for residents: sign in with the city's app (a bearer token) "
                "or call from its back end with an API key and X-Resident-Id."
            )
        )
    if not account.has_scope(Scope.RESIDENTS):
        raise Forbidden(
            _("This API key is not for {scope}; its scopes are {scopes}.").format(
                scope=Scope.RESIDENTS.value, scopes=", ".join(account.key.scopes)
            )
        )
    _require_secret()
    return Resident(key=service_resident_key(_valid_resident_id(resident_id)), via="service")


def _bearer_token(request) -> str | None:
    """The token of an ``Authorization: Bearer`` header ("" when the header has none)."""
    auth = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _sep, rest = auth.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return rest.strip()


def _service_account(request) -> ServiceAccount | None:
    """The service account of a request made with an API key (a bad key: its 401)."""
    if isinstance(request, Request):
        user = request.user  # DRF's authentication classes (apikeys' among them) have run
        if isinstance(user, ServiceAccount):
            return user
    # A plain Django view, or a DRF view whose classes do not read keys.
    raw = raw_key(request)
    return ServiceAccount(find(raw)) if raw else None


def _valid_resident_id(value: str | None) -> str:
    if value is None:
        raise InvalidParameter(
            _("An API key acts for one resident: name them in the X-Resident-Id header."),
            parameter=RESIDENT_ID_HEADER,
        )
    if not _RESIDENT_ID.fullmatch(value):
        raise InvalidParameter(
            _("X-Resident-Id must be 1 to 128 printable ASCII characters without spaces."),
            parameter=RESIDENT_ID_HEADER,
        )
    return value


def _require_secret() -> None:
    if not settings.COMMONMAP.get("RESIDENT_SECRET"):
        raise ResidentNotAuthenticated(
            _("Residents cannot sign in here: the server has no COMMONMAP_RESIDENT_SECRET."),
            code="residents_not_configured",
        )
