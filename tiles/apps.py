"""Vector tiles (ST_AsMVT) for every layer of the registry, their cache, TileJSON and style;
raster tiles through MapProxy for clients that cannot draw vectors."""

from django.apps import AppConfig


class TilesConfig(AppConfig):
    """App config for ``tiles``."""

    name = "tiles"
    verbose_name = "Tiles"
