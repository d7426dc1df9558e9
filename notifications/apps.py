from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Residents told of every result: an outbox written with each workflow step, delivered
    in-app, by e-mail, Web Push and signed webhooks by the task queue's workers."""

    name = "notifications"
    verbose_name = _("Notifications")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Write the outbox inside every workflow step's transaction."""
        from feedback.signals import step_recorded
        from notifications.outbox import record_step

        step_recorded.connect(record_step, dispatch_uid="notifications.outbox")
