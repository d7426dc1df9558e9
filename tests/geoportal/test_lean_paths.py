"""The lean path (geoportal/lean.py) answers anonymous reads of public map data exactly as
the full stack does: status, every header (the CSP nonce aside, new on every request) and
the body, through Django's WSGI handlers on the test's database connection. Staff keep the
full stack, a staff-only layer stays hidden from everybody else, and a tile over its time
budget is a JSON 503 with Retry-After."""

import base64
import gzip
import io
import re
from wsgiref.util import setup_testing_defaults

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.gis.geos import Point
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, connection, transaction

from geoportal.lean import LeanHandler, dispatching, is_lean
from layers.models import Feature, Layer
from tests.tiles.mvt_client import BEN_THANH
from tests.tiles.xyz import tile_of
from tiles import cache

STAFF = ("lean_staff", "lean-password")
HIDDEN = "lean-kin"
Z = 13
X, Y = tile_of(*BEN_THANH, Z)


class Answer:
    """A WSGI answer: status code, headers (names in lower case, the CSP nonce blanked),
    body."""

    def __init__(self, status: str, headers: list[tuple[str, str]], body: bytes):
        self.status = int(status.split()[0])
        self.headers = {k.lower(): re.sub(r"'nonce-[^']*'", "'nonce'", v) for k, v in headers}
        self.body = body
        if self.headers.get("content-encoding") == "gzip" and "etag" not in self.headers:
            # Django's GZipMiddleware puts random bytes in every gzip header (against
            # BREACH): what it compressed is compared, not its length.
            self.body = gzip.decompress(body)
            self.headers.pop("content-length", None)

    def same_as(self, other: "Answer") -> bool:
        return (self.status, self.headers, self.body) == (other.status, other.headers, other.body)


@pytest.fixture
def apps(db):
    """(full, lean, site): Django's full handler, the lean one, and the site's dispatcher,
    on the test's connection (as Django's test client does: the request signals would
    close the connection that holds the test's transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        full = get_wsgi_application()
        lean = LeanHandler()
        yield full, lean, dispatching(full, lean)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def call(app, path: str, **headers: str) -> Answer:
    """GET ``path`` (with its query) from a WSGI application, in a savepoint rolled back
    afterwards (a cancelled statement cannot break the next request)."""
    path, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "wsgi.input": io.BytesIO(b""),
        "HTTP_ACCEPT_LANGUAGE": "en",
        "HTTP_ORIGIN": "https://example.org",
    }
    environ.update({"HTTP_" + k.upper(): v for k, v in headers.items()})
    setup_testing_defaults(environ)
    started = {}

    def start_response(status, response_headers, exc_info=None):
        started.update(status=status, headers=response_headers)

    savepoint = transaction.savepoint()
    try:
        result = app(environ, start_response)
        body = b"".join(result)
        result.close()
    finally:
        transaction.savepoint_rollback(savepoint)
    return Answer(started["status"], started["headers"], body)


def both(apps, path: str, **headers: str) -> tuple[Answer, Answer]:
    """The full and the lean answers to the same request, each made from a cold cache."""
    full, lean, _site = apps
    cache.clear()
    by_full = call(full, path, **headers)
    cache.clear()
    return by_full, call(lean, path, **headers)


TILE = f"/tiles/areas/{Z}/{X}/{Y}.mvt"
SAME = [
    pytest.param(TILE, {"ACCEPT_ENCODING": "gzip"}, 200, id="tile gzip"),
    pytest.param(TILE, {}, 200, id="tile plain"),
    pytest.param(f"/tiles/areas,facilities/{Z}/{X}/{Y}.mvt", {}, 200, id="two layers"),
    pytest.param("/tiles/areas/13/0/0.mvt", {}, 204, id="empty tile"),
    pytest.param("/tiles/areas/30/0/0.mvt", {}, 400, id="zoom out of range"),
    pytest.param("/tiles/areas/a/0/0.mvt", {}, 400, id="not a number"),
    pytest.param("/tiles/nowhere/1/0/0.mvt", {}, 404, id="unknown layer"),
    pytest.param("/tiles/areas.json", {}, 200, id="tilejson"),
    pytest.param("/tiles/style.json", {"ACCEPT_ENCODING": "gzip"}, 200, id="style"),
    pytest.param("/tiles/what", {}, 404, id="unknown tile path"),
    pytest.param("/api/v1/layers/areas/export/?level=ward", {}, 200, id="export"),
    pytest.param(
        "/api/v1/layers/areas/export/?level=ward", {"ACCEPT_ENCODING": "gzip"}, 200, id="gzip"
    ),
    pytest.param("/api/v1/layers/areas/export/?bbox=a", {}, 400, id="export bad filter"),
    pytest.param("/api/v1/layers/nowhere/export/", {}, 404, id="export unknown layer"),
    pytest.param("/api/v1/layers/areas/export/?q=a%00b", {}, 400, id="export NUL"),
]


@pytest.mark.parametrize(("path", "headers", "status"), SAME)
def test_the_lean_path_answers_as_the_full_one(apps, path, headers, status):
    assert is_lean({"REQUEST_METHOD": "GET", "PATH_INFO": path.partition("?")[0]})
    by_full, by_lean = both(apps, path, **headers)
    assert by_full.status == status
    assert by_lean.headers == by_full.headers
    assert by_lean.same_as(by_full)
    assert by_lean.headers["access-control-allow-origin"] == "*"
    assert by_lean.headers["x-content-type-options"] == "nosniff"


def test_a_tile_revalidated_with_its_etag_is_the_same_304(apps):
    full, lean, _site = apps
    etag = call(full, TILE).headers["etag"]
    by_full, by_lean = call(full, TILE, IF_NONE_MATCH=etag), call(lean, TILE, IF_NONE_MATCH=etag)
    assert by_full.status == 304 and by_lean.same_as(by_full)


def test_tiles_and_exports_name_their_layers_for_the_front_cache(apps):
    _full, _lean, site = apps
    tile = call(site, TILE)
    assert (tile.headers["x-cm-layers"], tile.headers["x-cm-tile"]) == (",areas,", f"{Z}/{X}/{Y}")
    export = call(site, "/api/v1/layers/areas/export/?level=ward")
    assert export.headers["x-cm-layers"] == ",areas,"
    assert export.headers["cache-control"] == "public, max-age=60"
    assert "x-cm-tile" not in export.headers


def test_an_export_too_large_for_the_front_is_not_tagged_for_it(apps, settings):
    _full, _lean, site = apps
    wards = "/api/v1/layers/areas/export/?level=ward"
    settings.COMMONMAP = {**settings.COMMONMAP, "FRONT_EXPORT_MAX_FEATURES": 10}
    export = call(site, wards)
    assert export.status == 200 and "x-cm-layers" not in export.headers
    assert export.headers["cache-control"] == "public, max-age=60"  # browsers still may
    # A filter that leaves few enough features is small enough.
    settings.COMMONMAP = {**settings.COMMONMAP, "FRONT_EXPORT_MAX_FEATURES": 168}
    assert call(site, wards).headers["x-cm-layers"] == ",areas,"


@pytest.mark.parametrize(
    "environ",
    [
        {"REQUEST_METHOD": "POST"},
        {"PATH_INFO": "/api/v1/layers/areas/features/"},
        {"PATH_INFO": "/api/v1/layers/"},
        {"HTTP_COOKIE": "django_language=en; sessionid=abc"},
        {"HTTP_AUTHORIZATION": "Basic eDp5"},
        {"HTTP_X_API_KEY": "cm_x"},
        {"QUERY_STRING": "api_key=cm_x"},
    ],
)
def test_staff_and_other_paths_take_the_full_stack(environ):
    assert not is_lean({"REQUEST_METHOD": "GET", "PATH_INFO": TILE, **environ})


@pytest.fixture
def hidden_layer(db, settings):
    """A staff-only layer with a point at Bến Thành, and a staff member who may see it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    layer = Layer.objects.create(slug=HIDDEN, title="Kín", is_public=False, geometry_type="Point")
    Feature.objects.create(layer=layer, geom=Point(*BEN_THANH, srid=4326), attributes={"a": 1})
    user = User.objects.create_user(STAFF[0], password=STAFF[1])
    user.user_permissions.add(Permission.objects.get(codename="view_restricted_layer"))
    return layer


def _basic() -> str:
    return "Basic " + base64.b64encode(":".join(STAFF).encode()).decode()


@pytest.mark.parametrize(
    "path",
    [
        f"/tiles/{HIDDEN}/{Z}/{X}/{Y}.mvt",
        f"/tiles/{HIDDEN}.json",
        f"/api/v1/layers/{HIDDEN}/export/",
    ],
)
def test_a_staff_only_layer_is_refused_without_credentials_and_served_with_them(
    apps, hidden_layer, path
):
    _full, _lean, site = apps
    assert call(site, path).status == 404
    served = call(site, path, AUTHORIZATION=_basic())
    assert served.status == 200
    assert served.headers["cache-control"] == "private, max-age=60"
    assert "Cookie" in served.headers["vary"] and "Authorization" in served.headers["vary"]


def test_a_tile_over_its_time_budget_is_a_json_503_with_retry_after(apps, settings):
    _full, _lean, site = apps
    settings.COMMONMAP = {**settings.COMMONMAP, "TILE_TIMEOUT_MS": 1}
    cache.clear()
    answer = call(site, "/tiles/areas,facilities/0/0/0.mvt")  # every ward: far over 1 ms
    assert answer.status == 503
    assert answer.headers["retry-after"] == "5"
    assert answer.headers["content-type"] == "application/json"
    assert b'"code": "unavailable"' in answer.body and b"took too long" in answer.body
    assert answer.headers["access-control-allow-origin"] == "*"
    with connection.cursor() as cursor:  # the session is fine, its timeout as it was
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "0"
    settings.COMMONMAP = {**settings.COMMONMAP, "TILE_TIMEOUT_MS": 10_000}
    assert call(site, "/tiles/areas/0/0/0.mvt", ACCEPT_ENCODING="gzip").status == 200


def test_a_gzip_tile_inflates_to_the_plain_one(apps):
    _full, lean, _site = apps
    zipped, plain = call(lean, TILE, ACCEPT_ENCODING="gzip"), call(lean, TILE)
    assert gzip.decompress(zipped.body) == plain.body and plain.body
