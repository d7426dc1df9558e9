"""Residents rate their ward: satisfaction per ward and period."""

from django.apps import AppConfig


class RatingsConfig(AppConfig):
    """App config for ``ratings``: registers the "ward_satisfaction" layer."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "ratings"
    verbose_name = "Ward ratings"

    def ready(self) -> None:
        """Declare the ward satisfaction layer in the layer registry."""
        from layers.registry import register
        from ratings.layer import SLUG, ward_satisfaction_spec

        register(SLUG, ward_satisfaction_spec)
