"""Residents as this API knows them: a keyed hash of their identity provider's subject."""

from django.apps import AppConfig


class ResidentsConfig(AppConfig):
    """App config for ``residents``."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "residents"
    verbose_name = "Residents"

    def ready(self):
        """Register the residents' bearer scheme with the OpenAPI schema generator."""
        from residents import schema  # noqa: F401
