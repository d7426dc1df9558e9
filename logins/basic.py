"""HTTP Basic sign-in, the same for the REST API (a DRF authentication class) and for the
plain Django views (``basic_auth``): tiles, TileJSON, feedback photos.

Bad credentials are a 401 with ``WWW-Authenticate: Basic realm="Common Map"``, whatever the
order of the authentication classes (DRF would answer 403 when the first one, the session,
has no challenge); repeated failures are throttled (``logins.throttle``).
"""

import base64
import binascii
from functools import wraps

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from rest_framework import authentication

from core.errors import (
    BASIC_CHALLENGE,
    REALM,
    CommonMapError,
    NotAuthenticated,
    json_errors,
)
from logins import throttle

CHALLENGE = BASIC_CHALLENGE


class BadCredentials(NotAuthenticated):
    """Malformed Basic credentials, or a wrong username or password (401 with the challenge)."""

    code = "invalid_credentials"

    def __init__(self, message: str):
        super().__init__(message, headers={"WWW-Authenticate": CHALLENGE})


def credentials(request) -> tuple[str, str] | None:
    """(username, password) of an ``Authorization: Basic`` header; None without one."""
    scheme, _space, encoded = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        raw = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise BadCredentials(_("Malformed HTTP Basic credentials: not base64.")) from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")  # what older clients send, as DRF accepts it
    username, colon, password = text.partition(":")
    if not colon:
        raise BadCredentials(_("Malformed HTTP Basic credentials: no colon after the username."))
    if "\x00" in text:  # no account has one, and PostgreSQL refuses it in a query
        raise BadCredentials(_("Malformed HTTP Basic credentials: a NUL character."))
    return username, password


def sign_in(request, username: str, password: str):
    """The active user with these credentials; 429 while throttled, 401 when wrong."""
    buckets = throttle.buckets_for(request, username)
    had_failures = throttle.check(buckets)
    django_request = getattr(request, "_request", request)  # DRF's Request wraps Django's
    user = authenticate(django_request, username=username, password=password)
    if user is None or not user.is_active:
        throttle.record_failure(buckets)
        raise BadCredentials(_("Wrong username or password."))
    if had_failures:
        throttle.forget(buckets)
    return user


class BasicAuthentication(authentication.BasicAuthentication):
    """DRF authentication by HTTP Basic, throttled, with the project's realm and errors."""

    www_authenticate_realm = REALM

    def authenticate(self, request):
        """(user, None) for good credentials; None when the request carries none."""
        found = credentials(request)
        if found is None:
            return None
        try:
            return sign_in(request, *found), None
        except CommonMapError:
            # DRF does this for its own errors only: without it, rendering the error (the
            # browsable API reads request.user) would try the same credentials again.
            request.user = None
            raise

    def authenticate_header(self, request) -> str:
        """The challenge of a 401."""
        return CHALLENGE


def basic_auth(view):
    """For plain Django views: HTTP Basic credentials sign the caller in as in the REST API
    (same throttle, same 401 and 429), instead of being ignored. As there, a session comes
    first: a signed-in browser's header is not looked at."""

    @wraps(view)
    @json_errors
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            found = credentials(request)
            if found is not None:
                request.user = sign_in(request, *found)
        return view(request, *args, **kwargs)

    return wrapped
