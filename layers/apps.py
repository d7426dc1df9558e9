"""The common map's data: administrative areas, their generations, and spatial lookups."""

from django.apps import AppConfig


class LayersConfig(AppConfig):
    """App config for ``layers``."""

    name = "layers"
    verbose_name = "Layers"
