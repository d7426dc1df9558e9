"""Service accounts: API keys for machines (Open311 clients, the app's backend, the bench)."""

from django.apps import AppConfig


class ApiKeysConfig(AppConfig):
    """App config for ``apikeys``."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "apikeys"
    verbose_name = "API keys"

    def ready(self):
        """Register the key scheme with the OpenAPI schema generator."""
        from apikeys import schema  # noqa: F401
