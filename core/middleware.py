"""The database away (restarting, failing over, overloaded): 503 with Retry-After, in JSON.

Any view may meet a lost connection; without this, Django answers with its HTML 500 page and
a client cannot tell "try again in a moment" from a bug. Only connection-level errors
(``OperationalError``, ``InterfaceError``: refused, shutting down, closed, deadlock, timeout)
are turned into 503; every other database error stays a 500. A statement cancelled by its
``statement_timeout`` (a tile over its budget) is a 503 too, saying so, and keeps the session.
"""

import logging

from django.db import InterfaceError, OperationalError, connection
from django.http import JsonResponse
from django.utils.translation import gettext as _
from psycopg.errors import QueryCanceled

RETRY_AFTER_S = 5
log = logging.getLogger(__name__)


def unavailable_message() -> str:
    """What a caller is told while the database is away."""
    return _("The database is unavailable for a moment; try again shortly.")


def too_slow_message() -> str:
    """What a caller is told when the answer took longer than its budget."""
    return _("The answer took too long to make; try again shortly.")


def unavailable_response(message: str | None = None) -> JsonResponse:
    """The JSON body and headers of a 503 while the database is away (or too slow)."""
    response = JsonResponse(
        {"detail": message or unavailable_message(), "code": "unavailable"},
        status=503,
        json_dumps_params={"ensure_ascii": False},
    )
    response["Retry-After"] = str(RETRY_AFTER_S)
    return response


class DatabaseUnavailable:
    """Middleware: connection-level database errors become 503 + Retry-After."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        """503 for a lost or refused connection (and drop it); None lets others through."""
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        if isinstance(exception.__cause__, QueryCanceled):
            log.warning("statement over its budget during %s %s", request.method, request.path)
            return unavailable_response(too_slow_message())
        log.warning(
            "database unavailable during %s %s: %s", request.method, request.path, exception
        )
        connection.close_if_unusable_or_obsolete()
        return unavailable_response()
