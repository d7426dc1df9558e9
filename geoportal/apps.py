"""The project's own app: start-up that concerns every other app."""

from django.apps import AppConfig

from geoportal import gdal_network


class GeoportalConfig(AppConfig):
    """Seals GDAL off the network before any request or import can reach it."""

    name = "geoportal"

    def ready(self) -> None:
        """Forbid every GDAL in the process to fetch URLs (``geoportal.gdal_network``)."""
        gdal_network.seal()
