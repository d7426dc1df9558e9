"""The leaders' dashboard: how each ward resolves residents' feedback, side by side."""

from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """App config for ``dashboard``."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "dashboard"
    verbose_name = "Dashboard"
