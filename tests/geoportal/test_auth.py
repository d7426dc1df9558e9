"""HTTP Basic sign-in: 401 with the challenge for bad credentials, failed attempts throttled
per username and per client address in PostgreSQL, and the same sign-in on the plain views
(tiles, TileJSON, feedback photos) as in the REST API."""

import base64
import hashlib
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission, User
from django.db.models import F
from django.test import Client, override_settings

from feedback.intake import Submission, submit
from feedback.models import FeedbackItem, FeedbackPhoto, Role, StaffMembership
from feedback.workflow import actor_for
from layers.models import Layer
from logins.models import FailureWindow
from tests.tiles.xyz import tile_of

pytestmark = [
    pytest.mark.django_db,
    # Hashing a real password costs 0.3 s; these tests sign in dozens of times.
    pytest.mark.usefixtures("fast_hasher"),
]

CHALLENGE = 'Basic realm="Common Map"'
PASSWORD = "mat-khau-dung"
LAYERS = "/api/v1/layers/"


@pytest.fixture
def fast_hasher():
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture
def gis() -> User:
    """GIS staff who may see staff-only layers, with a password."""
    user = User.objects.create_user("gis", password=PASSWORD)
    user.user_permissions.add(Permission.objects.get(codename="view_restricted_layer"))
    return user


@pytest.fixture
def staff_layer() -> Layer:
    """A staff-only imported layer."""
    return Layer.objects.create(
        slug="ong-nuoc", title="Ống nước", is_public=False, geometry_type="Point"
    )


def basic(username: str, password: str) -> dict:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"authorization": f"Basic {token}"}


def client_at(address: str) -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR=address)


def fail(client, times: int, username: str = "gis") -> None:
    for _ in range(times):
        assert client.get(LAYERS, headers=basic(username, "sai")).status_code == 401


def slugs(response) -> set[str]:
    body = response.json()
    items = body["layers"] if isinstance(body, dict) else body
    return {layer["slug"] for layer in items}


# --- 401 -----------------------------------------------------------------------------


def test_wrong_password_is_401_with_the_basic_challenge(client, gis):
    response = client.get(LAYERS, headers=basic("gis", "sai"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == CHALLENGE
    assert response.json() == {
        "detail": "Wrong username or password.",
        "code": "invalid_credentials",
    }


def test_unknown_user_is_the_same_401(client, gis):
    response = client.get(LAYERS, headers=basic("khong-ai", "sai"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == CHALLENGE
    assert response.json()["detail"] == "Wrong username or password."


def test_an_inactive_user_is_refused_like_a_wrong_password(client, gis):
    User.objects.filter(pk=gis.pk).update(is_active=False)
    response = client.get(LAYERS, headers=basic("gis", PASSWORD))
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"


@pytest.mark.parametrize(
    ("header", "detail"),
    [
        ("Basic !!!", "Malformed HTTP Basic credentials: not base64."),
        (
            "Basic " + base64.b64encode(b"gis").decode(),
            "Malformed HTTP Basic credentials: no colon after the username.",
        ),
    ],
)
def test_malformed_credentials_are_401(client, header, detail):
    response = client.get(LAYERS, headers={"authorization": header})
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == CHALLENGE
    assert response.json()["detail"] == detail


def test_a_browser_asking_for_html_gets_the_401_too(client, gis):
    response = client.get(LAYERS, headers={**basic("gis", "sai"), "accept": "text/html"})
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == CHALLENGE


def test_a_bad_api_key_asked_for_as_html_is_a_401_not_a_500(client):
    response = client.get(LAYERS, headers={"x-api-key": "cm_bogus", "accept": "text/html"})
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "ApiKey"


def test_the_right_password_signs_in(client, gis, staff_layer):
    assert "ong-nuoc" not in slugs(client.get(LAYERS))
    response = client.get(LAYERS, headers=basic("gis", PASSWORD))
    assert response.status_code == 200
    assert "ong-nuoc" in slugs(response)


# --- throttle ------------------------------------------------------------------------


def test_the_sixth_failure_is_429_with_retry_after(client, gis):
    fail(client, 5)
    response = client.get(LAYERS, headers=basic("gis", "sai"))
    assert response.status_code == 429
    assert 890 <= int(response["Retry-After"]) <= 900
    assert response.json()["code"] == "too_many_requests"
    assert response.json()["detail"].startswith(
        "Too many failed sign-ins for this account or from this connection. Try again in "
    )


def test_a_locked_user_is_429_even_with_the_right_password_until_the_window_passes(client, gis):
    fail(client, 5)
    assert client.get(LAYERS, headers=basic("gis", PASSWORD)).status_code == 429
    # 14 minutes later: still locked, for the last minute.
    FailureWindow.objects.update(window_start=F("window_start") - timedelta(minutes=14))
    locked = client.get(LAYERS, headers=basic("gis", PASSWORD))
    assert locked.status_code == 429
    assert 50 <= int(locked["Retry-After"]) <= 60
    # 16 minutes later: the window has passed.
    FailureWindow.objects.update(window_start=F("window_start") - timedelta(minutes=2))
    assert client.get(LAYERS, headers=basic("gis", PASSWORD)).status_code == 200


def test_a_success_forgets_the_usernames_failures_but_not_the_addresses(client, gis):
    fail(client, 4)
    assert FailureWindow.objects.filter(failures=4).count() == 2
    assert client.get(LAYERS, headers=basic("gis", PASSWORD)).status_code == 200
    (left,) = FailureWindow.objects.all()
    assert left.bucket.startswith("address:") and left.failures == 4


def test_failures_from_one_address_lock_it_for_every_username(gis):
    User.objects.create_user("khac", password=PASSWORD)
    attacker = client_at("203.0.113.7")
    for n in range(5):
        fail(attacker, 1, username=f"doan-{n}")
    assert attacker.get(LAYERS, headers=basic("khac", PASSWORD)).status_code == 429
    # The same user from elsewhere is not locked out by that address.
    assert client_at("198.51.100.2").get(LAYERS, headers=basic("khac", PASSWORD)).status_code == 200


def test_failures_for_one_username_from_many_addresses_lock_it(gis):
    for n in range(5):
        fail(client_at(f"203.0.113.{n + 1}"), 1)
    response = client_at("198.51.100.2").get(LAYERS, headers=basic("GIS", PASSWORD))
    assert response.status_code == 429  # usernames are counted case-insensitively


def test_an_old_window_starts_again_at_one(client, gis):
    fail(client, 4)
    FailureWindow.objects.update(window_start=F("window_start") - timedelta(minutes=16))
    fail(client, 1)
    assert set(FailureWindow.objects.values_list("failures", flat=True)) == {1}


def test_nothing_but_keyed_hashes_is_stored(client, gis):
    fail(client, 1)
    stored = " ".join(FailureWindow.objects.values_list("bucket", flat=True))
    assert "gis" not in stored and "127.0.0.1" not in stored
    assert hashlib.sha256(b"gis").hexdigest()[:24] not in stored


def test_the_limit_comes_from_the_settings(client, gis, settings):
    settings.COMMONMAP = {**settings.COMMONMAP, "LOGIN_FAILURES_MAX": 2}
    fail(client, 2)
    assert client.get(LAYERS, headers=basic("gis", PASSWORD)).status_code == 429


# --- plain views ---------------------------------------------------------------------


def test_staff_only_tilejson_with_basic_auth_is_private(client, gis, staff_layer):
    assert client.get("/tiles/ong-nuoc.json").status_code == 404
    response = client.get("/tiles/ong-nuoc.json", headers=basic("gis", PASSWORD))
    assert response.status_code == 200
    assert response.json()["vector_layers"][0]["id"] == "ong-nuoc"
    assert response["Cache-Control"] == "private, max-age=60"
    assert {"Authorization", "Cookie"} <= {v.strip() for v in response["Vary"].split(",")}


def test_staff_only_tile_with_basic_auth_is_private(client, gis, staff_layer):
    assert client.get("/tiles/ong-nuoc/3/6/3.mvt").status_code == 404
    response = client.get("/tiles/ong-nuoc/3/6/3.mvt", headers=basic("gis", PASSWORD))
    assert response.status_code == 204
    assert response["Cache-Control"] == "private, max-age=60"
    assert {"Authorization", "Cookie"} <= {v.strip() for v in response["Vary"].split(",")}
    # Cached now: the warm path says the same.
    again = client.get("/tiles/ong-nuoc/3/6/3.mvt", headers=basic("gis", PASSWORD))
    assert again["Cache-Control"] == "private, max-age=60"


def test_public_tiles_and_tilejson_stay_public_even_for_staff(client, gis, staff_layer):
    x, y = tile_of(106.7009, 10.7769, 12)
    for headers in ({}, basic("gis", PASSWORD)):
        tile = client.get(f"/tiles/areas,facilities/12/{x}/{y}.mvt", headers=headers)
        assert tile.status_code == 200
        assert tile["Cache-Control"] == "public, max-age=60"
        assert "Authorization" not in tile["Vary"]
        tilejson = client.get("/tiles/areas.json", headers=headers)
        assert tilejson["Cache-Control"] == "public, max-age=60"


def test_a_public_imported_layer_tile_stays_public_for_staff(client, gis):
    Layer.objects.create(slug="cong-vien", title="Công viên", geometry_type="Point")
    response = client.get("/tiles/cong-vien/3/6/3.mvt", headers=basic("gis", PASSWORD))
    assert response.status_code == 204
    assert response["Cache-Control"] == "public, max-age=60"


def test_plain_views_answer_bad_credentials_with_401(client, gis):
    for path in ("/tiles/areas.json", "/tiles/areas/3/6/3.mvt"):
        response = client.get(path, headers=basic("gis", "sai"))
        assert response.status_code == 401, path
        assert response["WWW-Authenticate"] == CHALLENGE
        assert response.json()["code"] == "invalid_credentials"


def test_plain_views_share_the_throttle(client, gis, staff_layer):
    fail(client, 5)
    response = client.get("/tiles/ong-nuoc.json", headers=basic("gis", PASSWORD))
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_a_photo_off_the_public_map_is_served_to_staff_signing_in_with_basic(client):
    staff = User.objects.create_user("thanh-pho", password=PASSWORD)
    StaffMembership.objects.create(user=staff, role=Role.CITY_STAFF)
    item = submit(
        Submission(
            category="den-duong",
            description="Đèn đường không sáng",
            channel="app",
            lon=106.7009,
            lat=10.7769,
        ),
        actor_for(None),
    )
    FeedbackPhoto.objects.create(
        item=item,
        position=1,
        content_type="image/png",
        data=b"\x89PNG...",
        width=1,
        height=1,
        size=7,
        sha256="0" * 64,
    )
    FeedbackItem.objects.filter(pk=item.pk).update(status="rejected")
    url = f"/api/v1/feedback/items/{item.tracking_code}/photos/1"
    assert client.get(url).status_code == 404
    assert client.get(url, headers=basic("thanh-pho", "sai")).status_code == 401
    response = client.get(url, headers=basic("thanh-pho", PASSWORD))
    assert response.status_code == 200
    assert response.content == b"\x89PNG..."
    assert response["Cache-Control"] == "private"


# --- the admin's sign-in form -----------------------------------------------------------


def _admin_login(client, username: str, password: str):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password})


def test_the_admin_form_signs_in_with_the_right_password(client):
    User.objects.create_superuser("quan_tri", password=PASSWORD)
    response = _admin_login(client, "quan_tri", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_the_admin_form_is_throttled_like_basic(client):
    User.objects.create_superuser("quan_tri", password=PASSWORD)
    for _ in range(5):
        assert _admin_login(client, "quan_tri", "sai").status_code == 200  # the form again
    locked = _admin_login(client, "quan_tri", PASSWORD)
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) > 800
    assert "Too many failed sign-ins" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # The window passes: the right password works again.
    FailureWindow.objects.update(window_start=F("window_start") - timedelta(minutes=16))
    assert _admin_login(client, "quan_tri", PASSWORD).status_code == 302
