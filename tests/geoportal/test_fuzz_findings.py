"""What the schema-driven fuzz run (``test_schema_fuzz.py``) found answering 500, one test
each: a NUL in HTTP Basic credentials, a JSON body that is not an object, and time zone
offsets RFC 3339 allows but PostgreSQL does not (beyond ±15:59)."""

import base64
import json

import pytest
from django.contrib.auth.models import User

from feedback.intake import Submission, submit
from feedback.models import Role, StaffMembership
from feedback.workflow import actor_for
from tests.geoportal.bad_input import BEN_THANH

pytestmark = pytest.mark.django_db


def _basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


@pytest.mark.parametrize("url", ["/api/v1/layers/", "/api/v1/imports/", "/tiles/areas.json"])
def test_a_nul_in_basic_credentials_is_401(client, url):
    response = client.get(url, HTTP_AUTHORIZATION=_basic("quan\x00tri", "x"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Basic realm="Common Map"'
    assert response.json()["detail"] == "Malformed HTTP Basic credentials: a NUL character."


@pytest.fixture
def item():
    return submit(
        Submission(
            category="den-duong", description="Đèn tắt", channel="app",
            lon=BEN_THANH[0], lat=BEN_THANH[1],
        ),
        actor_for(User.objects.create_user("nguoi_bao")),
    )  # fmt: skip


@pytest.fixture
def staff_client(client):
    user = User.objects.create_user("thanh_pho")
    StaffMembership.objects.create(user=user, role=Role.CITY_STAFF)
    client.force_login(user)
    return client


@pytest.mark.parametrize("body", [[], ["category"], "den-duong", 5, None])
@pytest.mark.parametrize("path", ["", "{code}/transitions/", "{code}/rating/"])
def test_a_json_body_that_is_not_an_object_is_400(staff_client, item, body, path):
    url = "/api/v1/feedback/items/" + path.format(code=item.tracking_code)
    response = staff_client.post(url, json.dumps(body), content_type="application/json")
    assert response.status_code == 400, response.content
    error = response.json()
    assert error["parameter"] == "body"
    kind = type(body).__name__
    assert error["detail"] == (f"The request body must be a JSON object (or a form), not {kind}.")


FAR_WEST = "2020-01-01T00:00:00-20:18"  # = 2020-01-01T20:18:00Z
SAME_IN_UTC = "2020-01-01T20:18:00Z"


@pytest.mark.parametrize(
    "url, name",
    [
        ("/api/v1/layers/feedback/features/", "created_at"),
        ("/ogc/collections/feedback/items", "created_at"),
        ("/api/v1/layers/feedback/features/", "datetime"),
        ("/ogc/collections/feedback/items", "datetime"),
    ],
)
def test_an_offset_postgresql_refuses_is_the_same_instant_in_utc(client, item, url, name):
    extra = {"f": "json"} if url.startswith("/ogc/") else {}
    far, utc = (
        client.get(url, {name: f"{value}/.." if name == "datetime" else value, **extra})
        for value in (FAR_WEST, SAME_IN_UTC)
    )
    assert far.status_code == utc.status_code == 200
    assert _features(far) == _features(utc)


def _features(response) -> list:
    text = b"".join(response.streaming_content) if response.streaming else response.content
    return json.loads(text)["features"]


def test_a_feedback_list_filter_with_such_an_offset_is_answered(staff_client, item):
    far = staff_client.get("/api/v1/feedback/items/", {"created_after": FAR_WEST})
    utc = staff_client.get("/api/v1/feedback/items/", {"created_after": SAME_IN_UTC})
    assert far.status_code == utc.status_code == 200, far.content[:300]
    assert far.json()["count"] == utc.json()["count"] >= 1
