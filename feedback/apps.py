"""Citizen feedback (the 1022 line): intake, ward routing, workflow, privacy, Open311."""

from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    """App config for ``feedback``."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "feedback"
    verbose_name = "Feedback"
