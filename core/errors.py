"""One table from domain exceptions to HTTP status, and the API's error body.

Every app raises its own exceptions (subclasses of ``CommonMapError``); views never
build error responses by hand. The body is always ``{"detail": ..., "code": ...}``
plus ``parameter`` and ``hint`` when they help the caller fix the request.
"""

from http import HTTPStatus

from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions as drf_exceptions
from rest_framework.response import Response

# The challenge of a 401: HTTP Basic is the one scheme every client (curl, QGIS, GDAL) speaks.
REALM = "Common Map"
BASIC_CHALLENGE = f'Basic realm="{REALM}"'


class CommonMapError(Exception):
    """Base of every domain error that can reach an API caller."""

    code = "error"

    def __init__(
        self,
        message: str,
        *,
        parameter: str | None = None,
        hint: str | None = None,
        extra: dict | None = None,
        headers: dict | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.parameter = parameter
        self.hint = hint
        self.extra = extra or {}  # more fields of the body (e.g. the candidates of a search)
        self.headers = headers or {}  # response headers (e.g. Retry-After)

    def as_dict(self) -> dict:
        """The JSON body for this error."""
        body = {"detail": self.message, "code": self.code}
        if self.parameter:
            body["parameter"] = self.parameter
        if self.hint:
            body["hint"] = self.hint
        return {**body, **self.extra}


class InvalidParameter(CommonMapError):
    """A query parameter or body field is missing, malformed or out of range."""

    code = "invalid_parameter"


class NotFound(CommonMapError):
    """The thing asked for does not exist (or the caller may not know it exists)."""

    code = "not_found"


class PayloadTooLarge(CommonMapError):
    """The request asks for more work than one call may do."""

    code = "too_large"


class NotAuthenticated(CommonMapError):
    """The request needs an account (or a key) and came without one."""

    code = "not_authenticated"


class Forbidden(CommonMapError):
    """The caller is known and may see the thing, but may not do this to it."""

    code = "forbidden"


class Conflict(CommonMapError):
    """The request is valid, but not in the thing's present state (a workflow step)."""

    code = "conflict"


class Unprocessable(CommonMapError):
    """The request is well formed but cannot be honoured as it stands (e.g. an
    ``Idempotency-Key`` reused for a different request)."""

    code = "unprocessable"


class MethodNotAllowed(CommonMapError):
    """An HTTP method the endpoint does not have."""

    code = "method_not_allowed"


class TooManyRequests(CommonMapError):
    """The caller sent too many requests; ``Retry-After`` says when to try again."""

    code = "too_many_requests"


STATUS_FOR = {
    InvalidParameter: HTTPStatus.BAD_REQUEST,
    NotFound: HTTPStatus.NOT_FOUND,
    PayloadTooLarge: HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
    NotAuthenticated: HTTPStatus.UNAUTHORIZED,
    Forbidden: HTTPStatus.FORBIDDEN,
    Conflict: HTTPStatus.CONFLICT,
    Unprocessable: HTTPStatus.UNPROCESSABLE_ENTITY,
    TooManyRequests: HTTPStatus.TOO_MANY_REQUESTS,
    MethodNotAllowed: HTTPStatus.METHOD_NOT_ALLOWED,
}


def status_for(exc: CommonMapError) -> int:
    """HTTP status for a domain error: the first matching class in ``STATUS_FOR``."""
    for cls in type(exc).__mro__:
        if cls in STATUS_FOR:
            return STATUS_FOR[cls]
    return HTTPStatus.INTERNAL_SERVER_ERROR


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF exception handler: domain errors through the table, DRF's own with a code."""
    # Imported here: rest_framework.views loads the authentication classes, and
    # apikeys' class raises errors defined in this module.
    from rest_framework.views import exception_handler

    if isinstance(exc, CommonMapError):
        return Response(exc.as_dict(), status=status_for(exc), headers=exc.headers)
    if isinstance(exc, Http404):
        exc = drf_exceptions.NotFound()
    if isinstance(exc, drf_exceptions.ValidationError) and isinstance(exc.detail, dict):
        # django-filter reports {"param": ["message", ...]}: name the first parameter.
        parameter, messages = next(iter(exc.detail.items()))
        message = messages[0] if isinstance(messages, list) else messages
        body = InvalidParameter(
            _("Invalid parameter '{parameter}': {message}").format(
                parameter=parameter, message=message
            ),
            parameter=parameter,
        )
        return Response({**body.as_dict(), "errors": exc.detail}, status=400)
    if isinstance(exc, (drf_exceptions.NotAuthenticated, drf_exceptions.AuthenticationFailed)):
        # DRF answers 403 when its first authentication class (the session) has no
        # challenge to offer; a request without credentials is a 401 that says how to sign in.
        body = NotAuthenticated(_("Sign in (HTTP Basic, a session or an API key) to do this."))
        return Response(body.as_dict(), status=401, headers={"WWW-Authenticate": BASIC_CHALLENGE})
    response = exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" in response.data:
        response.data["code"] = getattr(response.data["detail"], "code", "error")
    return response


def error_response(exc: CommonMapError) -> JsonResponse:
    """A domain error as a plain Django JSON response (outside DRF: middleware, tiles)."""
    response = JsonResponse(
        exc.as_dict(), status=status_for(exc), json_dumps_params={"ensure_ascii": False}
    )
    for name, value in exc.headers.items():
        response[name] = value
    return response


def json_errors(view):
    """For plain Django views (tiles, which must not go through DRF's content negotiation):
    domain errors become the same JSON bodies and statuses as in the API."""
    from functools import wraps

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except CommonMapError as exc:
            return error_response(exc)

    return wrapped


API_PREFIXES = ("/api/", "/ogc/", "/open311/", "/tiles/")


def not_found(request, exception):
    """``handler404``: a path no URL matches (a path parameter of the wrong form, such as a
    slug with a space) is the APIs' JSON 404 under their prefixes, Django's page elsewhere."""
    from django.views.defaults import page_not_found

    if request.path.startswith(API_PREFIXES):
        return error_response(NotFound(_("No such resource.")))
    return page_not_found(request, exception)
