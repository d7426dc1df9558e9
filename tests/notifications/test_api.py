"""The notifications API: push subscriptions (and every refusal a JSON 4xx naming the
field), the in-app inbox for the app's back end and for a signed-in resident."""

import pytest
from django.test import Client

from apikeys.keys import create_key
from feedback.services import service_account_actor
from feedback.workflow import actor_for
from notifications.models import PushSubscription
from tests.notifications.conftest import step
from tests.notifications.test_web_push import b64url

pytestmark = pytest.mark.django_db

SUBSCRIPTIONS = "/api/v1/notifications/push-subscriptions/"
INBOX = "/api/v1/notifications/inbox/"
P256DH = b64url(b"\x04" + bytes(range(64)))
AUTH = b64url(bytes(16))


@pytest.fixture
def item(make_item, staff):
    """An item to subscribe to."""
    return make_item(staff)


def _subscribe(client, **fields):
    body = {
        "endpoint": "https://fcm.googleapis.com/fcm/send/abc",
        "keys": {"p256dh": P256DH, "auth": AUTH},
        **fields,
    }
    return client.post(SUBSCRIPTIONS, body, content_type="application/json")


def test_a_browser_subscribes_and_unsubscribes(client, item):
    first = _subscribe(client, tracking_code=item.tracking_code.lower())
    assert first.status_code == 201
    assert first.json() == {
        "tracking_code": item.tracking_code,
        "endpoint": "https://fcm.googleapis.com/fcm/send/abc",
    }
    assert _subscribe(client, tracking_code=item.tracking_code).status_code == 200
    assert PushSubscription.objects.filter(item=item).count() == 1
    gone = client.delete(
        SUBSCRIPTIONS,
        {
            "tracking_code": item.tracking_code,
            "endpoint": "https://fcm.googleapis.com/fcm/send/abc",
        },
        content_type="application/json",
    )
    assert gone.status_code == 204
    assert not PushSubscription.objects.filter(item=item).exists()


def test_a_windows_push_host_matches_the_wildcard(client, item):
    endpoint = "https://db5p.notify.windows.com/w/?token=abc"
    response = _subscribe(client, tracking_code=item.tracking_code, endpoint=endpoint)
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("endpoint", "message"),
    [
        ("https://evil.example.org/push", "'endpoint' is not on a known Web Push service."),
        ("http://127.0.0.1:8000/push", "'endpoint' is not on a known Web Push service."),
        ("https://notify.windows.com.evil.org/x", "'endpoint' is not on a known Web Push service."),
        ("https://u:p@fcm.googleapis.com/x", "'endpoint' is not on a known Web Push service."),
        ("ftp://fcm.googleapis.com/x", "'endpoint' must be an https URL."),
        ("https://fcm.googleapis.com:99999/x", "'endpoint' must be an https URL."),
        ("", "'endpoint' is required."),
        (42, "'endpoint' is required."),
    ],
)
def test_an_endpoint_off_the_allowlist_is_refused(client, item, endpoint, message):
    response = _subscribe(client, tracking_code=item.tracking_code, endpoint=endpoint)
    assert response.status_code == 400
    assert response.json() == {
        "detail": message,
        "code": "invalid_parameter",
        "parameter": "endpoint",
    }


@pytest.mark.parametrize(
    ("keys", "parameter"),
    [
        ({"p256dh": "bm90IGEga2V5", "auth": AUTH}, "keys.p256dh"),
        ({"p256dh": b64url(b"\x05" + bytes(64)), "auth": AUTH}, "keys.p256dh"),
        ({"p256dh": P256DH, "auth": b64url(bytes(15))}, "keys.auth"),
        ({"p256dh": P256DH}, "keys.auth"),
        ("p256dh", "keys"),
    ],
)
def test_bad_subscription_keys_are_refused(client, item, keys, parameter):
    response = _subscribe(client, tracking_code=item.tracking_code, keys=keys)
    assert response.status_code == 400
    assert response.json()["parameter"] == parameter


def test_an_unknown_tracking_code_is_a_404(client):
    response = _subscribe(client, tracking_code="HCM-0000-0000")
    assert response.status_code == 404
    assert response.json() == {"detail": "No feedback item HCM-0000-0000.", "code": "not_found"}
    assert _subscribe(client).json()["parameter"] == "tracking_code"


def test_a_body_that_is_not_an_object_is_refused(client):
    response = client.post(SUBSCRIPTIONS, [1], content_type="application/json")
    assert response.status_code == 400
    assert response.json()["parameter"] == "body"


def test_unsubscribing_what_is_not_there_is_a_404(client, item):
    response = client.delete(
        SUBSCRIPTIONS,
        {"tracking_code": item.tracking_code, "endpoint": "https://fcm.googleapis.com/x"},
        content_type="application/json",
    )
    assert response.status_code == 404


def test_no_vapid_key_is_a_404(client):
    response = client.get("/api/v1/notifications/vapid-public-key/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_the_inbox_needs_credentials(client):
    response = client.get(INBOX)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Basic")


def test_the_app_back_end_reads_the_items_its_key_sent(make_item, staff):
    key, raw = create_key("Ứng dụng thành phố", ["feedback", "notifications"])
    _other_key, other_raw = create_key("Khác", ["notifications"])
    mine = make_item(service_account_actor(), api_key=key)
    make_item(staff)  # not sent with this key
    step(staff, mine, "accepted", "Đã nhận")
    app = Client(HTTP_X_API_KEY=raw)
    body = app.get(INBOX, {"page_size": 1}).json()
    assert [entry["event"] for entry in body["results"]] == ["received"]
    assert body["next_after"] == body["results"][0]["id"]
    second = app.get(INBOX, {"after": body["next_after"]}).json()
    assert [entry["event"] for entry in second["results"]] == ["accepted"]
    assert second["results"][0]["note"] == "Đã nhận"
    assert set(second["results"][0]["texts"]) == {"vi", "en"}
    assert second["next_after"] is None and second["next"] is None
    assert Client(HTTP_X_API_KEY=other_raw).get(INBOX).json()["results"] == []


def test_a_key_without_the_scope_is_refused(client):
    _key, raw = create_key("Chỉ phản ánh", ["feedback"])
    response = Client(HTTP_X_API_KEY=raw).get(INBOX)
    assert response.status_code == 403


def test_a_resident_reads_their_own(make_item, resident, staff):
    mine = make_item(actor_for(resident))
    make_item(staff)
    client = Client()
    client.force_login(resident)
    body = client.get(INBOX).json()
    assert [entry["tracking_code"] for entry in body["results"]] == [mine.tracking_code]


@pytest.mark.parametrize(("name", "value"), [("after", "-1"), ("after", "x"), ("page_size", "0")])
def test_bad_inbox_parameters_are_named(resident, name, value):
    client = Client()
    client.force_login(resident)
    response = client.get(INBOX, {name: value})
    assert response.status_code == 400
    assert response.json()["parameter"] == name
