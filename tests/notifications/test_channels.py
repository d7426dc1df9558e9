"""Each channel end to end against a real local server: e-mail to aiosmtpd, a signed
webhook to an HTTP receiver, and the outcome recorded on the row."""

import hashlib
import hmac
import json

import pytest

from notifications import delivery
from notifications.models import Notification
from tests.notifications.conftest import SECRET, step

pytestmark = pytest.mark.django_db


def test_an_email_reaches_the_smtp_server(make_item, staff, smtp):
    item = make_item(staff, reporter_email="cu.dan@example.org")
    notification = Notification.objects.get(item=item, channel="email")
    assert delivery.deliver(notification.pk) == "sent"
    [(recipients, message)] = smtp.messages
    assert recipients == ["cu.dan@example.org"]
    assert message["Subject"].strip() == f"Đã tiếp nhận phản ánh {item.tracking_code}"
    assert f"/track/{item.tracking_code}/" in message.get_content()
    notification.refresh_from_db()
    assert (notification.state, notification.attempts) == ("sent", 1)
    assert notification.sent_at is not None


def test_a_sent_notification_is_not_sent_again(make_item, staff, smtp):
    item = make_item(staff, reporter_email="cu.dan@example.org")
    notification = Notification.objects.get(item=item, channel="email")
    delivery.deliver(notification.pk)
    assert delivery.deliver(notification.pk) == "skipped"
    assert len(smtp.messages) == 1


def test_an_email_to_a_refusing_server_is_retried(make_item, staff, smtp, settings):
    item = make_item(staff, reporter_email="cu.dan@example.org")
    notification = Notification.objects.get(item=item, channel="email")
    smtp.stop()
    with pytest.raises(delivery.DeliveryFailed):
        delivery.deliver(notification.pk)
    notification.refresh_from_db()
    assert notification.state == "failed"
    assert notification.last_error.startswith("SMTP:")
    smtp.start()
    settings.EMAIL_PORT = smtp.port
    assert delivery.deliver(notification.pk) == "sent"


def test_a_webhook_is_signed_and_carries_public_facts_only(make_item, staff, endpoint, receiver):
    item = make_item(staff, reporter_email="rieng.tu@example.org")
    step(staff, item, "accepted", "Sẽ xử lý", internal_note="Gọi anh A 0988")
    notification = Notification.objects.get(item=item, kind="accepted", channel="webhook")
    assert delivery.deliver(notification.pk) == "sent"
    [request] = receiver.requests
    expected = "sha256=" + hmac.new(SECRET.encode(), request.body, hashlib.sha256).hexdigest()
    assert request.headers["X-CommonMap-Signature"] == expected
    assert request.headers["X-CommonMap-Delivery"] == str(notification.pk)
    assert request.headers["X-CommonMap-Event"] == "accepted"
    assert request.path == "/hook"
    body = json.loads(request.body)
    assert body["tracking_code"] == item.tracking_code
    assert (body["event"], body["status"], body["note"]) == ("accepted", "accepted", "Sẽ xử lý")
    assert body["ward_code"] == item.ward.code
    assert body["url"].endswith(f"/track/{item.tracking_code}/")
    assert set(body["texts"]) == {"vi", "en"}
    for private in ("Nguyễn Văn A", "0909123456", "rieng.tu", "0988", "lon", "geom"):
        assert private not in request.body.decode()


def test_a_failing_webhook_is_recorded_and_retried_with_a_doubling_wait(
    make_item, staff, endpoint, receiver, settings
):
    receiver.statuses = [500]
    item = make_item(staff)
    notification = Notification.objects.get(item=item, channel="webhook")
    with pytest.raises(delivery.DeliveryFailed, match="HTTP 500"):
        delivery.deliver(notification.pk)
    notification.refresh_from_db()
    assert (notification.state, notification.attempts) == ("failed", 1)
    assert delivery.deliver(notification.pk) == "sent"
    assert receiver.delivered() == {str(notification.pk): 1}
    settings.COMMONMAP = {**settings.COMMONMAP, "NOTIFY_RETRY_BASE_S": 30}
    assert [delivery.backoff_seconds(n) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert delivery.backoff_seconds(30) == delivery.MAX_WAIT_S


def test_after_the_last_attempt_a_notification_is_dead(
    make_item, staff, endpoint, receiver, fast_retries
):
    receiver.statuses = [500, 502, 503]
    item = make_item(staff)
    notification = Notification.objects.get(item=item, channel="webhook")
    for _attempt in range(2):
        with pytest.raises(delivery.DeliveryFailed):
            delivery.deliver(notification.pk)
    assert delivery.deliver(notification.pk) == "dead"
    assert delivery.deliver(notification.pk) == "skipped"
    notification.refresh_from_db()
    assert (notification.state, notification.attempts) == ("dead", 3)
    assert notification.last_error == "webhook: HTTP 503"


def test_a_deactivated_endpoint_is_a_dead_letter_at_once(make_item, staff, endpoint):
    item = make_item(staff)
    endpoint.active = False
    endpoint.save()
    notification = Notification.objects.get(item=item, channel="webhook")
    assert delivery.deliver(notification.pk) == "dead"


def test_in_app_notifications_are_ready_at_once(make_item, staff):
    item = make_item(staff)
    notification = Notification.objects.get(item=item, channel="in_app")
    assert delivery.deliver(notification.pk) == "sent"
