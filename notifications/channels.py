"""Sending one notification on its channel: e-mail, Web Push or a signed webhook.

Each sender raises ``ChannelError`` for a failure worth retrying (the network, a 5xx, a
refusing SMTP server) and ``PermanentFailure`` for one that no retry can fix (a push
subscription the push service no longer knows, an address erased meanwhile). Nothing here
touches the database except to forget an expired push subscription.
"""

import hashlib
import hmac
import json
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.mail import get_connection, send_mail

from notifications.models import Notification, NotificationChannel, PushSubscription
from notifications.texts import tracking_url

# Web Push messages are kept by the push service this long for an offline browser.
PUSH_TTL_S = 24 * 3600
SIGNATURE_HEADER = "X-CommonMap-Signature"
DELIVERY_HEADER = "X-CommonMap-Delivery"
EVENT_HEADER = "X-CommonMap-Event"


class ChannelError(Exception):
    """A delivery failed; a later attempt may succeed."""


class PermanentFailure(ChannelError):
    """A delivery failed for good: retrying cannot help."""


def email_enabled() -> bool:
    """Whether e-mail is sent at all: only with an SMTP host configured."""
    return bool(settings.EMAIL_HOST)


def _timeout() -> int:
    return settings.COMMONMAP["NOTIFY_TIMEOUT_S"]


def _text(notification: Notification) -> dict:
    texts = notification.texts
    return texts.get(notification.language) or next(iter(texts.values()), {})


def send(notification: Notification) -> None:
    """Send the notification on its channel (in-app ones are pulled: nothing to send)."""
    senders = {
        NotificationChannel.IN_APP: lambda n: None,
        NotificationChannel.EMAIL: send_email,
        NotificationChannel.WEB_PUSH: send_web_push,
        NotificationChannel.WEBHOOK: send_webhook,
    }
    senders[notification.channel](notification)


def send_email(notification: Notification) -> None:
    """Mail the reporter through the configured SMTP server (never the test outbox)."""
    address = notification.item.reporter_email
    if not email_enabled():
        raise PermanentFailure("no SMTP host is configured (COMMONMAP_EMAIL_HOST)")
    if not address:
        raise PermanentFailure("the item has no e-mail address any more")
    text = _text(notification)
    connection = get_connection(
        "django.core.mail.backends.smtp.EmailBackend",
        host=settings.EMAIL_HOST,
        port=settings.EMAIL_PORT,
        timeout=_timeout(),
    )
    try:
        send_mail(
            text.get("subject", ""),
            text.get("body", ""),
            settings.DEFAULT_FROM_EMAIL,
            [address],
            connection=connection,
        )
    except OSError as exc:  # smtplib's errors are OSErrors too
        raise ChannelError(f"SMTP: {exc}") from exc


def push_payload(notification: Notification) -> dict:
    """What the web map's service worker receives (public facts only)."""
    text = _text(notification)
    return {
        "title": text.get("subject", ""),
        "body": text.get("body", ""),
        "tracking_code": notification.item.tracking_code,
        "event": notification.kind,
        "url": tracking_url(notification.item),
    }


def host_allowed(url: str) -> bool:
    """Whether a push endpoint is on an allowlisted push service (``*.`` matches any
    subdomain); the only user-given URL the server ever calls."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host:
        return False
    for pattern in settings.COMMONMAP["WEBPUSH_HOSTS"]:
        pattern = pattern.strip().lower()
        if pattern.startswith("*.") and host.endswith(pattern[1:]):
            return True
        if host == pattern:
            return True
    return False


def send_web_push(notification: Notification) -> None:
    """Encrypt (aes128gcm) and send the push message, signed with the VAPID key."""
    subscription = notification.push_subscription
    if subscription is None:
        raise PermanentFailure("the push subscription was removed")
    if not host_allowed(subscription.endpoint):
        raise PermanentFailure("the push endpoint's host is not on the allowlist")
    options = settings.COMMONMAP
    if not options["VAPID_PRIVATE_KEY"]:
        raise PermanentFailure("no VAPID key is configured (COMMONMAP_VAPID_PRIVATE_KEY)")
    # Imported here: pywebpush brings aiohttp (SSL contexts made on import) and
    # cryptography, 0.24 s of every process's start-up, and only the worker sends pushes.
    from pywebpush import WebPushException, webpush

    try:
        webpush(
            subscription_info={
                "endpoint": subscription.endpoint,
                "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
            },
            data=json.dumps(push_payload(notification), ensure_ascii=False),
            vapid_private_key=options["VAPID_PRIVATE_KEY"],
            vapid_claims={"sub": options["VAPID_SUBJECT"]},
            content_encoding="aes128gcm",
            timeout=_timeout(),
            ttl=PUSH_TTL_S,
        )
    except WebPushException as exc:
        status = getattr(exc.response, "status_code", None)
        if status in (404, 410):  # the browser unsubscribed: forget it
            PushSubscription.objects.filter(pk=subscription.pk).delete()
            raise PermanentFailure(f"push subscription gone ({status})") from exc
        raise ChannelError(f"Web Push: {exc}") from exc
    except (requests.RequestException, ValueError) as exc:
        raise ChannelError(f"Web Push: {exc}") from exc


def webhook_payload(notification: Notification) -> dict:
    """The webhook's body: the step's public facts, never name, phone, e-mail or point."""
    item, event = notification.item, notification.event
    return {
        "delivery": notification.pk,
        "event": notification.kind,
        "tracking_code": item.tracking_code,
        "status": event.to_status,
        "note": event.note,
        "at": event.at.isoformat(),
        "ward_code": item.ward.code,
        "url": tracking_url(item),
        "texts": notification.texts,
    }


def signature(secret: str, body: bytes) -> str:
    """The value of the signature header: ``sha256=`` and the body's HMAC-SHA256 in hex."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def send_webhook(notification: Notification) -> None:
    """POST the signed payload; any 2xx is delivered, anything else is retried."""
    endpoint = notification.endpoint
    if endpoint is None or not endpoint.active:
        raise PermanentFailure("the webhook endpoint was removed or deactivated")
    body = json.dumps(webhook_payload(notification), ensure_ascii=False, sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        SIGNATURE_HEADER: signature(endpoint.secret, body),
        DELIVERY_HEADER: str(notification.pk),
        EVENT_HEADER: notification.kind,
        "User-Agent": "CommonMap-Webhook/1",
    }
    try:
        response = requests.post(
            endpoint.url, data=body, headers=headers, timeout=_timeout(), allow_redirects=False
        )
    except requests.RequestException as exc:
        raise ChannelError(f"webhook: {exc}") from exc
    if not 200 <= response.status_code < 300:
        raise ChannelError(f"webhook: HTTP {response.status_code}")
