"""A test-only app that adds a layer the way any app would: one declaration
(tests/layerapp/layers.py), registered when the app is ready. Installed by tests/settings.py
for the test run only."""

from django.apps import AppConfig


class LayerAppConfig(AppConfig):
    """App config for the test app ``layerapp``: registers the "noise_readings" layer."""

    name = "tests.layerapp"
    label = "layerapp"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Declare the noise layer in the layer registry."""
        from layers.registry import register
        from tests.layerapp.layers import noise_spec

        register("noise_readings", noise_spec)
