"""The notifications API (mounted at /api/v1/notifications/).

- ``inbox/``: the in-app notifications for the app's back end (an API key with the
  ``notifications`` scope: the items that key submitted) or a signed-in resident (their own
  items), paged by an id cursor ``after``;
- ``push-subscriptions/``: the web map subscribes a browser to one tracking code (POST) or
  unsubscribes it (DELETE); the endpoint must be on a known push service;
- ``vapid-public-key/``: the key the browser subscribes with.

Thin views over ``notifications.inbox`` and ``notifications.push``; every refusal a JSON 4xx.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apikeys.keys import ServiceAccount, require_scope
from apikeys.models import Scope
from core.errors import NotAuthenticated, NotFound
from core.pagination import WholeNumberField, page_size_default, page_size_max
from core.schema import BlankAsAbsent, errors, read_query
from feedback.models import FeedbackItem
from feedback.params import json_object
from notifications import push
from notifications.inbox import inbox, inbox_json
from notifications.texts import tracking_url

_TEXT = {"type": "string"}
_TEXTS = {
    "type": "object",
    "description": "Subject and body per language (vi, en).",
    "additionalProperties": {
        "type": "object",
        "properties": {"subject": _TEXT, "body": _TEXT},
    },
}
INBOX_ENTRY = {
    "type": "object",
    "required": ["id", "event", "tracking_code", "status", "at", "texts", "url"],
    "properties": {
        "id": {"type": "integer"},
        "event": _TEXT,
        "tracking_code": _TEXT,
        "status": _TEXT,
        "note": _TEXT,
        "at": {"type": "string", "format": "date-time"},
        "language": _TEXT,
        "texts": _TEXTS,
        "url": {"type": "string", "format": "uri"},
    },
}
INBOX = {
    "type": "object",
    "required": ["results", "next_after", "next"],
    "properties": {
        "results": {"type": "array", "items": INBOX_ENTRY},
        "next_after": {"type": "integer", "nullable": True},
        "next": {"type": "string", "format": "uri", "nullable": True},
    },
}
SUBSCRIPTION = {
    "type": "object",
    "required": ["tracking_code", "endpoint"],
    "properties": {"tracking_code": _TEXT, "endpoint": {"type": "string", "format": "uri"}},
}
_KEYS = {
    "type": "object",
    "required": ["p256dh", "auth"],
    "properties": {"p256dh": _TEXT, "auth": _TEXT},
}
SUBSCRIBE_BODY = {
    "type": "object",
    "required": ["tracking_code", "endpoint", "keys"],
    "properties": {**SUBSCRIPTION["properties"], "keys": _KEYS},
}


VAPID_KEY = {"type": "object", "required": ["public_key"], "properties": {"public_key": _TEXT}}


class CursorField(BlankAsAbsent, serializers.IntegerField):
    """A notification id (0 or more); empty counts as absent."""

    def run_validation(self, data=serializers.empty):
        """0 when absent, else the id."""
        if data in (serializers.empty, None, ""):
            return 0
        text = str(data)
        if not (text.isascii() and text.isdecimal() and len(text) < 19):
            raise serializers.ValidationError(
                _("'after' must be a notification id (a whole number), got {raw}.").format(
                    raw=repr(data)
                )
            )
        return int(text)


class InboxQuery(serializers.Serializer):
    """``after`` (the last id seen) and ``page_size``."""

    def get_fields(self) -> dict:
        """The cursor and the page size (with the configured default and maximum)."""
        size, top = page_size_default(), page_size_max()
        return {
            "after": CursorField(required=False, help_text="The last id already seen."),
            "page_size": WholeNumberField(
                required=False,
                default=size,
                min_value=1,
                max_value=top,
                help_text=f"Entries per page (default {size}, at most {top}).",
            ),
        }


def _items_of(request):
    """The items whose notifications the caller may read."""
    user = request.user
    if isinstance(user, ServiceAccount):
        require_scope(request, Scope.NOTIFICATIONS)
        return FeedbackItem.objects.filter(api_key=user.key)
    if user is None or not user.is_authenticated:
        raise NotAuthenticated(
            _("Sign in, or send the app's API key, to read notifications."),
            headers={"WWW-Authenticate": 'Basic realm="Common Map"'},
        )
    return FeedbackItem.objects.filter(reporter=user)


class Inbox(APIView):
    """The caller's in-app notifications, oldest first, after a cursor."""

    @extend_schema(
        parameters=[InboxQuery],
        responses={200: INBOX, **errors(400, 401, 403)},
        summary="In-app notifications (the app's back end, or a signed-in resident)",
    )
    def get(self, request):
        """A page of notifications with an id above ``after``."""
        params = read_query(InboxQuery, request.query_params)
        items = _items_of(request)
        rows, more = inbox(items, params["after"], params["page_size"])
        next_after = rows[-1].pk if more else None
        next_url = None
        if next_after is not None:
            query = urlencode({"after": next_after, "page_size": params["page_size"]})
            next_url = request.build_absolute_uri(request.path) + "?" + query
        return Response(
            {
                "results": [inbox_json(n, tracking_url(n.item)) for n in rows],
                "next_after": next_after,
                "next": next_url,
            }
        )


class PushSubscriptions(APIView):
    """Subscribe a browser to an item's notifications (Web Push), or unsubscribe it."""

    authentication_classes: list = []
    permission_classes: list = []

    @extend_schema(
        request={"application/json": SUBSCRIBE_BODY},
        responses={
            201: SUBSCRIPTION,
            200: SUBSCRIPTION,
            **errors(400, 404, 409, e409="The item has as many subscriptions as allowed."),
        },
        summary="Subscribe a browser to an item (Web Push)",
    )
    def post(self, request):
        """201 for a new subscription, 200 when it was already there (keys updated)."""
        data = json_object(request.data)
        subscription, created = push.subscribe(
            data.get("tracking_code"), data.get("endpoint"), data.get("keys")
        )
        body = {"tracking_code": subscription.item.tracking_code, "endpoint": subscription.endpoint}
        return Response(body, status=201 if created else 200)

    @extend_schema(
        request={"application/json": SUBSCRIPTION},
        responses={204: None, **errors(400, 404)},
        summary="Unsubscribe a browser from an item",
    )
    def delete(self, request):
        """204 once forgotten; 404 if there was no such subscription."""
        data = json_object(request.data)
        push.unsubscribe(data.get("tracking_code"), data.get("endpoint"))
        return Response(status=204)


class VapidPublicKey(APIView):
    """The server's VAPID public key (the browser's ``applicationServerKey``)."""

    authentication_classes: list = []
    permission_classes: list = []

    @extend_schema(
        responses={
            200: VAPID_KEY,
            **errors(404, e404="Web Push is not configured on this server."),
        },
        summary="The VAPID public key for Web Push",
    )
    def get(self, request):
        """The key, base64url."""
        key = settings.COMMONMAP["VAPID_PUBLIC_KEY"]
        if not key:
            raise NotFound(_("Web Push is not configured on this server."))
        return Response({"public_key": key})
