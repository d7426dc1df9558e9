"""Notices to residents by area: water cuts, flooding, vaccination days, road works."""

from django.apps import AppConfig


class NoticesConfig(AppConfig):
    """App config for ``notices``: registers the public "notices" layer."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "notices"
    verbose_name = "Notices"

    def ready(self) -> None:
        """Declare the notices layer (notices/layer.py) in the layer registry."""
        from layers.registry import register
        from notices.layer import notices_spec

        register("notices", notices_spec)
