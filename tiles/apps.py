"""Vector tiles (ST_AsMVT) for every layer of the registry, their cache, TileJSON and style;
raster tiles through MapProxy for clients that cannot draw vectors."""

from django.apps import AppConfig
from django.core import checks
from django.db import connections
from django.db.models.signals import post_migrate

# Names that stand for something else where a layer's slug goes: MapProxy's layers
# (tiles/mapproxy) and the style's path (/tiles/style.json).
RESERVED_WORDS = ("basemap", "all", "style")


def _install_cache_triggers(sender, using: str = "default", **kwargs) -> None:
    """After ``migrate``: the cache triggers of every table a registered layer reads."""
    from tiles.triggers import install_cache_triggers

    install_cache_triggers(connections[using])


class TilesConfig(AppConfig):
    """App config for ``tiles``: reserves its words and installs the cache triggers."""

    name = "tiles"
    verbose_name = "Tiles"

    def ready(self) -> None:
        """Reserve MapProxy's and the style's names, check clustered layers, hook the
        triggers onto ``migrate``, delete a deleted layer's cells at once and drop their
        partition after the deletion commits."""
        from django.db.models.signals import post_delete, pre_delete

        from layers.models import Layer
        from layers.registry import reserve
        from tiles.cell_partitions import drop_orphans_after_commit, skip_counting_before_delete
        from tiles.checks import check_pyramid_layers

        reserve(*RESERVED_WORDS)
        checks.register(check_pyramid_layers, "layers")
        post_migrate.connect(_install_cache_triggers, sender=self, dispatch_uid="tiles-triggers")
        pre_delete.connect(
            skip_counting_before_delete, sender=Layer, dispatch_uid="tiles-delete-layer-cells"
        )
        post_delete.connect(
            drop_orphans_after_commit, sender=Layer, dispatch_uid="tiles-drop-cell-partitions"
        )
