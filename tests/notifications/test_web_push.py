"""Web Push to a real local receiver on an allowlisted 127.0.0.1 endpoint: the message is
encrypted for the subscription (aes128gcm, decrypted here with the browser's private key)
and signed with the server's VAPID key."""

import base64
import json
import os

import http_ece
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from notifications import delivery
from notifications.models import Notification, PushSubscription
from tests.notifications.conftest import step

pytestmark = pytest.mark.django_db

SUBSCRIPTIONS = "/api/v1/notifications/push-subscriptions/"


def b64url(raw: bytes) -> str:
    """Unpadded base64url, as the Push API writes keys."""
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def public_raw(key: ec.EllipticCurvePrivateKey) -> bytes:
    """The uncompressed P-256 point."""
    return key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )


@pytest.fixture
def vapid(settings, receiver) -> ec.EllipticCurvePrivateKey:
    """The server's VAPID keys, and 127.0.0.1 allowlisted as a push service."""
    key = ec.generate_private_key(ec.SECP256R1())
    settings.COMMONMAP = {
        **settings.COMMONMAP,
        "VAPID_PRIVATE_KEY": b64url(key.private_numbers().private_value.to_bytes(32, "big")),
        "VAPID_PUBLIC_KEY": b64url(public_raw(key)),
        "VAPID_SUBJECT": "mailto:ban-do@example.org",
        "WEBPUSH_HOSTS": [*settings.COMMONMAP["WEBPUSH_HOSTS"], "127.0.0.1"],
    }
    return key


@pytest.fixture
def browser(client, receiver, vapid, make_item, staff):
    """A browser subscribed to a new item: (item, its private key, its auth secret)."""
    item = make_item(staff)
    key, auth = ec.generate_private_key(ec.SECP256R1()), os.urandom(16)
    response = client.post(
        SUBSCRIPTIONS,
        {
            "tracking_code": item.tracking_code,
            "endpoint": receiver.url + "/push/trinh-duyet-1",
            "keys": {"p256dh": b64url(public_raw(key)), "auth": b64url(auth)},
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    return item, key, auth


def test_a_push_message_is_encrypted_for_the_browser(browser, receiver, vapid, staff):
    item, key, auth = browser
    step(staff, item, "accepted", "Đã nhận xử lý")
    notification = Notification.objects.get(item=item, channel="web_push")
    assert delivery.deliver(notification.pk) == "sent"
    [request] = receiver.requests
    assert request.path == "/push/trinh-duyet-1"
    assert request.headers["Content-Encoding"] == "aes128gcm"
    assert request.headers["TTL"] == "86400"
    plain = http_ece.decrypt(request.body, private_key=key, auth_secret=auth, version="aes128gcm")
    message = json.loads(plain)
    assert message["tracking_code"] == item.tracking_code
    assert message["event"] == "accepted"
    assert message["title"] == f"Phản ánh {item.tracking_code} đã được chấp nhận"
    assert "Đã nhận xử lý" in message["body"]


def test_a_push_message_is_signed_with_the_vapid_key(browser, receiver, vapid, staff):
    item, _key, _auth = browser
    step(staff, item, "accepted")
    delivery.deliver(Notification.objects.get(item=item, channel="web_push").pk)
    scheme, _space, params = receiver.requests[0].headers["Authorization"].partition(" ")
    assert scheme == "vapid"
    fields = dict(part.strip().split("=", 1) for part in params.split(","))
    assert fields["k"].rstrip("=") == b64url(public_raw(vapid))
    claims = jwt.decode(
        fields["t"], vapid.public_key(), algorithms=["ES256"], audience=receiver.url
    )
    assert claims["sub"] == "mailto:ban-do@example.org"


def test_a_subscription_the_push_service_forgot_is_removed(browser, receiver, staff):
    item, _key, _auth = browser
    receiver.statuses = [410]
    step(staff, item, "accepted")
    notification = Notification.objects.get(item=item, channel="web_push")
    assert delivery.deliver(notification.pk) == "dead"
    assert not PushSubscription.objects.filter(item=item).exists()


def test_the_vapid_public_key_is_published(client, vapid):
    response = client.get("/api/v1/notifications/vapid-public-key/")
    assert response.json() == {"public_key": b64url(public_raw(vapid))}
