"""Web Push subscriptions posted by the web map: checked, stored, removed.

A subscription is tied to one tracking code. Its endpoint is the only user-given URL the
server will ever call, so its host must be on the ``WEBPUSH_HOSTS`` allowlist of the big
push services; its keys must be what the Push API gives (a P-256 point, a 16-byte secret).
"""

import base64
import binascii
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.errors import Conflict, InvalidParameter, NotFound
from feedback.intake import normalise_code
from feedback.models import FeedbackItem
from notifications.channels import host_allowed
from notifications.models import PushSubscription

# Browsers of one household, not a fan-out: more subscriptions to one item are refused.
MAX_PER_ITEM = 10


def item_by_code(code: str) -> FeedbackItem:
    """The item with this tracking code; 404 otherwise."""
    if not isinstance(code, str) or not code.strip():
        raise InvalidParameter(_("'tracking_code' is required."), parameter="tracking_code")
    item = FeedbackItem.objects.filter(tracking_code=normalise_code(code)).first()
    if item is None:
        raise NotFound(_("No feedback item {code}.").format(code=code[:40]))
    return item


def _b64url(value: object, name: str, size: int) -> str:
    if not isinstance(value, str) or not value:
        raise InvalidParameter(_("'{name}' is required.").format(name=name), parameter=name)
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != size or (size == 65 and raw[0] != 4):
        raise InvalidParameter(
            _("'{name}' is not a Web Push key of the Push API (base64url).").format(name=name),
            parameter=name,
        )
    return value.rstrip("=")


def check_endpoint(endpoint: object) -> str:
    """The endpoint, if it is an http(s) URL on an allowlisted push service; else a 400."""
    if not isinstance(endpoint, str) or not endpoint.strip():
        raise InvalidParameter(_("'endpoint' is required."), parameter="endpoint")
    endpoint = endpoint.strip()
    try:
        parts = urlsplit(endpoint)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        port_ok = False
    if len(endpoint) > 1000 or not port_ok or parts.scheme not in ("https", "http"):
        raise InvalidParameter(_("'endpoint' must be an https URL."), parameter="endpoint")
    if parts.username or parts.password or not host_allowed(endpoint):
        raise InvalidParameter(
            _("'endpoint' is not on a known Web Push service."), parameter="endpoint"
        )
    return endpoint


def subscribe(code: str, endpoint: object, keys: object) -> tuple[PushSubscription, bool]:
    """Store a browser's subscription to an item: (the subscription, whether it is new)."""
    item = item_by_code(code)
    endpoint = check_endpoint(endpoint)
    if not isinstance(keys, dict):
        raise InvalidParameter(
            _('\'keys\' must be an object {"p256dh": ..., "auth": ...}.'), parameter="keys"
        )
    p256dh = _b64url(keys.get("p256dh"), "keys.p256dh", 65)
    auth = _b64url(keys.get("auth"), "keys.auth", 16)
    with transaction.atomic():
        existing = PushSubscription.objects.filter(item=item, endpoint=endpoint).first()
        if existing is not None:
            existing.p256dh, existing.auth = p256dh, auth
            existing.save(update_fields=["p256dh", "auth"])
            return existing, False
        if PushSubscription.objects.filter(item=item).count() >= MAX_PER_ITEM:
            raise Conflict(
                _("Item {code} already has {count} push subscriptions.").format(
                    code=item.tracking_code, count=MAX_PER_ITEM
                )
            )
        try:
            with transaction.atomic():
                subscription = PushSubscription.objects.create(
                    item=item, endpoint=endpoint, p256dh=p256dh, auth=auth
                )
        except IntegrityError:  # the same browser, twice at once
            return PushSubscription.objects.get(item=item, endpoint=endpoint), False
    return subscription, True


def unsubscribe(code: str, endpoint: object) -> None:
    """Forget a subscription; 404 if there is none."""
    item = item_by_code(code)
    if not isinstance(endpoint, str) or not endpoint.strip():
        raise InvalidParameter(_("'endpoint' is required."), parameter="endpoint")
    deleted, _rows = PushSubscription.objects.filter(item=item, endpoint=endpoint.strip()).delete()
    if not deleted:
        raise NotFound(_("No such push subscription for {code}.").format(code=item.tracking_code))
