"""URLs of the notifications API (mounted at /api/v1/notifications/)."""

from django.urls import path

from notifications import api

urlpatterns = [
    path("inbox/", api.Inbox.as_view(), name="notifications-inbox"),
    path(
        "push-subscriptions/",
        api.PushSubscriptions.as_view(),
        name="notifications-push-subscriptions",
    ),
    path("vapid-public-key/", api.VapidPublicKey.as_view(), name="notifications-vapid-public-key"),
]
