"""The lean path: anonymous reads of public map data without the middleware they never use.

Tiles, TileJSON, the style and GeoJSON exports are read far more often than anything else,
nearly always without credentials. Such a request (GET or HEAD, no session cookie, no
``Authorization``, no API key) goes to a second Django handler whose middleware is the
site's (``settings.MIDDLEWARE``) less sessions, CSRF, messages, authentication and
WhiteNoise (static files are not under these paths): the same URLs and views, the same
answers (CORS, security headers, CSP, languages, JSON errors, ETag/304, ``Vary``), which
tests/geoportal/test_lean_paths.py compares header by header. ``Anonymous`` stands in for
sessions and authentication: ``request.user`` is the anonymous user, and an answer whose
view asked who the caller is says ``Vary: Cookie``, as the session middleware would.
Everybody else (staff, API keys, any other path) takes the full stack.

The lean path also skips the database health check's round trip (``SELECT 1`` before a
request's first query, ``CONN_HEALTH_CHECKS``) when the kept connection is quiet: idle,
and nothing on its socket. A connection the server has closed (a restart, an idle
timeout, ``pg_terminate_backend``) has the server's goodbye or end-of-file waiting there,
so it is checked as before and opened again; only a close that has not reached this host
yet goes unseen, the window the ``SELECT 1`` leaves open too (its first query fails: a JSON
503, and Django drops the connection after the request).
"""

import re
import select
from collections.abc import Callable, Iterable

import psycopg
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.handlers.wsgi import WSGIHandler
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject

SESSIONS = "django.contrib.sessions.middleware.SessionMiddleware"
# What an anonymous read of public map data never uses (sessions are replaced, see above).
LEFT_OUT = frozenset(
    {
        "whitenoise.middleware.WhiteNoiseMiddleware",
        SESSIONS,
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
    }
)
ANONYMOUS = "geoportal.lean.Anonymous"
# Public map data: vector and raster tiles, TileJSON and the style; a layer's export.
LEAN_PATHS = re.compile(r"/tiles/|/api/v1/layers/[^/]+/export/$")
CREDENTIALS = ("HTTP_AUTHORIZATION", "HTTP_X_API_KEY")


def lean_middleware(middleware: Iterable[str]) -> list[str]:
    """The site's middleware less ``LEFT_OUT``, ``Anonymous`` where the sessions were."""
    return [
        ANONYMOUS if m == SESSIONS else m for m in middleware if m == SESSIONS or m not in LEFT_OUT
    ]


def is_lean(environ: dict) -> bool:
    """Whether a request may take the lean path: an anonymous GET/HEAD of public map data."""
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return False
    if not LEAN_PATHS.match(environ.get("PATH_INFO", "")):
        return False
    if any(environ.get(name) for name in CREDENTIALS):
        return False
    if "api_key" in environ.get("QUERY_STRING", ""):
        return False
    return settings.SESSION_COOKIE_NAME not in environ.get("HTTP_COOKIE", "")


class Anonymous:
    """Middleware of the lean path: ``request.user`` is anonymous (what authentication finds
    without a session), and ``Vary: Cookie`` is added when it was asked for (as the session
    middleware does when the session was read)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        asked = []

        def anonymous() -> AnonymousUser:
            asked.append(True)
            return AnonymousUser()

        request.user = SimpleLazyObject(anonymous)
        response = self.get_response(request)
        if asked:
            patch_vary_headers(response, ("Cookie",))
        return response


def is_quiet(conn: psycopg.Connection) -> bool:
    """Whether a connection is open, idle, and has nothing from the server waiting on its
    socket (no error, no end-of-file): as usable as a ``SELECT 1`` would find it, without
    the round trip."""
    if conn.closed:
        return False
    pgconn = conn.pgconn
    if pgconn.status != psycopg.pq.ConnStatus.OK:
        return False
    if pgconn.transaction_status != psycopg.pq.TransactionStatus.IDLE:
        return False
    readable, _, _ = select.select([pgconn.socket], [], [], 0)
    return not readable


def trust_quiet_connection() -> None:
    """Mark the request's health check of the default database done when its kept
    connection ``is_quiet`` (Django runs it otherwise, before the first query)."""
    db = connections[DEFAULT_DB_ALIAS]
    if db.connection is None or not db.health_check_enabled or db.health_check_done:
        return
    if is_quiet(db.connection):
        db.health_check_done = True


class LeanHandler(WSGIHandler):
    """A Django WSGI handler with ``lean_middleware``, trusting a quiet database
    connection (``trust_quiet_connection``)."""

    def load_middleware(self, is_async: bool = False) -> None:
        """The lean chain, built once like the site's."""
        full = settings.MIDDLEWARE
        try:
            settings.MIDDLEWARE = lean_middleware(full)
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = full

    def get_response(self, request):
        """The response, the connection's health check skipped if it is quiet."""
        trust_quiet_connection()
        return super().get_response(request)


def dispatching(full: Callable, lean: Callable) -> Callable:
    """A WSGI application that sends lean requests (``is_lean``) to ``lean``, the rest to
    ``full``."""

    def application(environ, start_response):
        handler = lean if is_lean(environ) else full
        return handler(environ, start_response)

    return application
