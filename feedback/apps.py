"""Citizen feedback (the 1022 line): intake, ward routing, workflow, privacy, Open311."""

from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    """App config for ``feedback``: registers the public "feedback" layer."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "feedback"
    verbose_name = "Feedback"

    def ready(self) -> None:
        """Declare the feedback layer (feedback/public.py) in the layer registry."""
        from feedback.public import feedback_spec
        from layers.registry import register

        register("feedback", feedback_spec)
