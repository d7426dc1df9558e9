"""The app behind the front: what it keeps, for whom, in which language, and what it never
keeps (staff-only layers, errors, untagged answers, other methods)."""

import gzip
import json
import uuid

import mapbox_vector_tile
import pytest
import requests
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Permission, User
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection

from layers.models import AdministrativeArea, Layer
from tests.front.helpers import ban, forget_all, point_layer, remove_reports, request_from
from tests.tiles.mvt_client import BEN_THANH
from tests.tiles.xyz import tile_of

pytestmark = pytest.mark.django_db

Z = 14
X, Y = tile_of(*BEN_THANH, Z)
AREAS_TILE = f"/tiles/areas/{Z}/{X}/{Y}.mvt"


def _get(url: str, **headers) -> requests.Response:
    return requests.get(url, headers=headers, timeout=60)


def _mvt(response: requests.Response) -> dict:
    # requests decodes Content-Encoding itself: these are the bytes a map client reads.
    assert response.status_code == 200, response.text
    return mapbox_vector_tile.decode(response.content)


def test_a_public_tile_is_kept_and_every_client_gets_the_right_bytes(front_url, server_url):
    forget_all(front_url)
    first = _get(front_url + AREAS_TILE, **{"Accept-Encoding": "gzip"})
    again = _get(front_url + AREAS_TILE, **{"Accept-Encoding": "gzip"})
    assert (first.headers["X-Cache"], again.headers["X-Cache"]) == ("MISS", "HIT")
    assert again.headers["Content-Encoding"] == "gzip"
    assert again.headers["X-Cm-Layers"] == ",areas,"
    assert again.headers["X-Cm-Tile"] == f"{Z}/{X}/{Y}"
    assert "Age" not in again.headers
    # A client without gzip: the front's gzipped copy, unzipped on the way out.
    plain = requests.get(
        front_url + AREAS_TILE, headers={"Accept-Encoding": "identity"}, stream=True, timeout=60
    )
    raw = plain.raw.read()
    assert plain.headers["X-Cache"] == "HIT"
    assert "Content-Encoding" not in plain.headers
    direct = requests.get(server_url + AREAS_TILE, headers={"Accept-Encoding": "identity"})
    assert raw == direct.content
    assert (
        gzip.decompress(requests.get(front_url + AREAS_TILE, stream=True, timeout=60).raw.read())
        == raw
    )
    assert _mvt(first) == _mvt(again) == _mvt(direct)
    assert set(_mvt(again)["areas"]["features"][0]) >= {"geometry", "properties"}
    # A client that has it already: 304 from the front.
    etag = again.headers["ETag"]
    revalidated = _get(front_url + AREAS_TILE, **{"If-None-Match": etag})
    assert (revalidated.status_code, revalidated.headers["X-Cache"]) == (304, "HIT")
    assert not revalidated.content
    # HEAD is looked up too.
    head = requests.head(front_url + AREAS_TILE, timeout=60)
    assert (head.status_code, head.headers["X-Cache"]) == (200, "HIT")


@pytest.fixture
def staff_layer(committed):
    """A staff-only layer with one point at Bến Thành, and a member of staff who may see it
    (signed in with a session, and with a password for HTTP Basic)."""
    slug = f"front-kin-{uuid.uuid4().hex[:6]}"

    def create():
        point_layer(slug, "Kín", [("bí mật", BEN_THANH)], public=False)
        user = User.objects.create_user(slug, password="front-secret-1")
        user.user_permissions.add(Permission.objects.get(codename="view_restricted_layer"))
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        return session.session_key

    session_key = committed(create)
    yield slug, session_key

    def delete():
        SessionStore(session_key=session_key).delete()
        Layer.objects.filter(slug=slug).delete()
        User.objects.filter(username=slug).delete()

    committed(delete)


def test_a_staff_only_tile_is_never_shared(front_url, staff_layer):
    slug, session_key = staff_layer
    path = f"/tiles/{slug}/{Z}/{X}/{Y}.mvt"
    cookie = {"Cookie": f"csrftoken=abc; sessionid={session_key}"}
    basic = requests.auth.HTTPBasicAuth(slug, "front-secret-1")
    for _ in range(2):
        by_session = _get(front_url + path, **cookie)
        by_password = requests.get(front_url + path, auth=basic, timeout=60)
        for answer in (by_session, by_password):
            assert answer.headers["X-Cache"] == "PASS"
            assert answer.headers["Cache-Control"].startswith("private")
            (feature,) = _mvt(answer)[slug]["features"]
            assert feature["properties"] == {"ten": "bí mật"}
    for headers in ({}, {"Cookie": "csrftoken=abc"}, {"Accept-Encoding": "identity"}):
        anonymous = _get(front_url + path, **headers)
        assert anonymous.status_code == 404, anonymous.content
        assert "detail" in anonymous.json()
        assert "bí mật".encode() not in anonymous.content
    # Its TileJSON and its GeoJSON too.
    for path in (f"/tiles/{slug}.json", f"/api/v1/layers/{slug}/export/"):
        for _ in range(2):
            staff = _get(front_url + path, **cookie)
            assert (staff.status_code, staff.headers["X-Cache"]) == (200, "PASS")
        assert _get(front_url + path).status_code == 404
    assert "bí mật" in _get(f"{front_url}/api/v1/layers/{slug}/export/", **cookie).text


def test_a_public_layers_geojson_is_kept(front_url, server_url):
    forget_all(front_url)
    path = "/api/v1/layers/facilities/export/"
    first = _get(front_url + path, **{"Accept-Encoding": "gzip"})
    again = _get(front_url + path, **{"Accept-Encoding": "gzip"})
    plain = _get(front_url + path, **{"Accept-Encoding": "identity"})
    assert [a.headers["X-Cache"] for a in (first, again, plain)] == ["MISS", "HIT", "HIT"]
    assert again.headers["X-Cm-Layers"] == ",facilities,"
    direct = _get(server_url + path).json()
    assert first.json() == again.json() == plain.json() == direct
    assert len(direct["features"]) > 1000


def test_tilejson_is_kept_per_language_and_names_the_front(front_url):
    forget_all(front_url)
    url = f"{front_url}/tiles/areas.json"
    cases = [
        ({}, "vi"),
        ({"Accept-Language": "en-GB,en;q=0.9"}, "en"),
        ({"Accept-Language": "fr-FR, en;q=0.7, vi;q=0.5"}, "en"),
        ({"Accept-Language": "de"}, "vi"),
        ({"Accept-Language": "en", "Cookie": "django_language=vi; csrftoken=x"}, "vi"),
        ({"Cookie": "theme=dark; django_language=en"}, "en"),
    ]
    bodies = {}
    for headers, language in cases:
        answer = _get(url, **headers)
        assert answer.status_code == 200
        assert answer.headers["Content-Language"] == language, headers
        body = answer.json()
        assert bodies.setdefault(language, body) == body, headers
        assert body["tiles"] == [f"{front_url}/tiles/areas/{{z}}/{{x}}/{{y}}.mvt"]
    assert bodies["vi"]["description"] != bodies["en"]["description"]
    # One copy a language: the first caller of each made it, the others were served it.
    assert _get(url).headers["X-Cache"] == "HIT"
    assert _get(url, **{"Accept-Language": "en"}).headers["X-Cache"] == "HIT"
    style = _get(f"{front_url}/tiles/style.json", **{"Accept-Language": "en"})
    assert style.headers["Content-Language"] == "en"
    assert style.json()["sources"]["commonmap"]["url"].startswith(f"{front_url}/tiles/")


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/tiles/nope-no-layer/3/6/3.mvt", 404),
        ("/tiles/areas/23/0/0.mvt", 400),
        ("/tiles/areas/3/8/0.mvt", 400),
        ("/api/v1/layers/nope-no-layer/export/", 404),
    ],
)
def test_app_errors_pass_through_unchanged_and_are_not_kept(front_url, server_url, path, status):
    direct = _get(server_url + path, **{"Accept-Language": "en"})
    for _ in range(3):
        answer = _get(front_url + path, **{"Accept-Language": "en"})
        assert answer.status_code == direct.status_code == status
        assert answer.headers["Content-Type"] == direct.headers["Content-Type"]
        assert answer.json() == direct.json()
        assert answer.headers["X-Cache"] != "HIT"


def test_untagged_answers_and_other_methods_go_to_the_app(front_url, server_url):
    direct = requests.post(server_url + AREAS_TILE, timeout=60)
    for _ in range(2):
        categories = _get(f"{front_url}/api/v1/feedback/categories/")
        assert categories.status_code == 200 and categories.headers["X-Cache"] != "HIT"
        page = _get(f"{front_url}/")
        assert page.status_code == 200 and page.headers["X-Cache"] == "PASS"
        post = requests.post(front_url + AREAS_TILE, timeout=60)
        assert post.status_code == direct.status_code >= 400
        assert post.content == direct.content and post.headers["X-Cache"] == "PASS"


def test_bans_are_taken_from_localhost_only(front_url):
    _get(front_url + AREAS_TILE)
    assert _get(front_url + AREAS_TILE).headers["X-Cache"] == "HIT"
    # From another address: refused, and the tile is still there.
    status, _, body = request_from(
        "127.0.0.2", front_url + "/", "BAN", {"X-Ban": "obj.http.x-cm-layers ~ ,areas,"}
    )
    assert status == 403, body
    assert _get(front_url + AREAS_TILE).headers["X-Cache"] == "HIT"
    refused = ban(front_url, "obj.http.x-cm-layers ~~ (")
    assert refused.status_code == 400
    assert refused.text.strip() and "Ban added" not in refused.text
    missing = requests.request("BAN", f"{front_url}/", timeout=10)
    assert missing.status_code == 400
    # Another layer's ban leaves it; its own forgets it at once.
    assert ban(front_url, "obj.http.x-cm-layers ~ ,facilities,").status_code == 200
    assert _get(front_url + AREAS_TILE).headers["X-Cache"] == "HIT"
    taken = ban(front_url, f"obj.http.x-cm-layers ~ ,areas, && obj.http.x-cm-tile == {Z}/{X}/{Y}")
    assert taken.status_code == 200, taken.text
    assert _get(front_url + AREAS_TILE).headers["X-Cache"] == "MISS"


def _hourly_hits(committed) -> dict[str, int]:
    """Anonymous submissions counted this hour and the last, by (hashed) caller."""

    def read():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT split_part(bucket, ':', 3), sum(hits) FROM feedback_ratewindow "
                "WHERE bucket LIKE 'submit:3600:%%' AND window_start > now() - interval '2 hours' "
                "GROUP BY 1"
            )
            return dict(cursor.fetchall())

    return committed(read)


def test_the_app_counts_each_caller_by_its_own_address(front_url, committed):
    """Behind the front every request comes from Varnish: the app reads the caller from the
    X-Forwarded-For entry Varnish appended (COMMONMAP_CLIENT_IP_HEADER), never from one the
    caller wrote, so anonymous rate limits stay per caller."""

    def a_point():
        ward = AdministrativeArea.objects.filter(
            generation__valid_to__isnull=True, level="ward"
        ).order_by("code")[3]
        point = ward.geom.point_on_surface
        return point.x, point.y

    lon, lat = committed(a_point)
    report = {
        "category": "den-duong",
        "description": "Đèn đường hỏng (thử qua front)",
        "location": {"lon": lon, "lat": lat},
    }
    before = _hourly_hits(committed)
    codes = []
    try:
        for source, forged in (
            ("127.0.0.2", "203.0.113.9"),
            ("127.0.0.3", "203.0.113.9"),
            ("127.0.0.2", "198.51.100.4"),
        ):
            status, _, body = request_from(
                source,
                f"{front_url}/api/v1/feedback/items/",
                "POST",
                {"Content-Type": "application/json", "X-Forwarded-For": forged},
                json.dumps(report).encode(),
            )
            assert status == 201, body
            codes.append(json.loads(body)["tracking_code"])
        after = _hourly_hits(committed)
        counted = sorted(n - before.get(c, 0) for c, n in after.items() if n != before.get(c))
        assert counted == [1, 2]  # 127.0.0.3 once, 127.0.0.2 twice, whatever they wrote
    finally:
        committed(lambda: remove_reports(codes))
