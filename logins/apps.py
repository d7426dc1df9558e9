"""Signing in with a username and password over HTTP Basic, and throttling failed attempts."""

from django.apps import AppConfig


class LoginsConfig(AppConfig):
    """App config for ``logins``."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "logins"
    verbose_name = "Sign-ins"

    def ready(self):
        """Register the Basic scheme with the OpenAPI schema generator."""
        from logins import schema  # noqa: F401
