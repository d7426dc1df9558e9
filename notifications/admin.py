"""The notifications in the admin: templates staff edit, webhook endpoints admins set, the
outbox with its dead letters and the "replay" action."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notifications.models import (
    Notification,
    NotificationTemplate,
    PushSubscription,
    WebhookEndpoint,
)
from notifications.replay import requeue


@admin.register(NotificationTemplate)
class NotificationTemplateAdmin(admin.ModelAdmin):
    """The texts of each event, per language (Django template syntax)."""

    list_display = ["event", "language", "subject"]
    list_filter = ["language", "event"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    """The city's services told of steps; their URLs are set here only."""

    list_display = ["name", "url", "active"]
    list_filter = ["active"]


@admin.register(PushSubscription)
class PushSubscriptionAdmin(admin.ModelAdmin):
    """Browsers subscribed to an item (read-only: the web map posts them)."""

    list_display = ["item", "created_at"]
    readonly_fields = ["item", "endpoint", "p256dh", "auth", "created_at"]
    search_fields = ["item__tracking_code"]

    def has_add_permission(self, request) -> bool:
        """Subscriptions come from browsers only."""
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox: what was sent, what failed, the dead letters; replay requeues."""

    list_display = ["id", "item", "kind", "channel", "state", "attempts", "sent_at"]
    list_filter = ["state", "channel", "kind"]
    search_fields = ["item__tracking_code"]
    readonly_fields = [
        "event",
        "item",
        "kind",
        "channel",
        "recipient",
        "push_subscription",
        "endpoint",
        "language",
        "texts",
        "state",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
    ]
    actions = ["replay"]

    def has_add_permission(self, request) -> bool:
        """Notifications are written by workflow steps only."""
        return False

    @admin.action(description=gettext_lazy("Replay (send again) the dead or failed ones"))
    def replay(self, request, queryset) -> None:
        """Requeue the dead and failed notifications among those selected."""
        count = requeue(queryset)
        self.message_user(
            request,
            _("{count} notification(s) requeued.").format(count=count),
            messages.SUCCESS,
        )
