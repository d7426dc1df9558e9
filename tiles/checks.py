"""The tiles app's system check of the registered layers: what the layer check
(layers/checks.py) cannot know, since it concerns how tiles are made."""

from django.core import checks

from layers.registry import builtin_specs
from tiles.cell_deltas import DELTA_LAYERS
from tiles.pyramid import COUNTED_TABLES


def check_pyramid_layers(app_configs=None, **kwargs) -> list[checks.Error]:
    """A layer clustered from the point pyramid must read a table the pyramid counts, or
    its low-zoom tiles would be empty: ``tiles.E001`` otherwise; one clustered from deltas
    must be a layer whose delta triggers a migration installed: ``tiles.E002`` otherwise."""
    errors = []
    for spec in builtin_specs():
        if spec.cluster_below is None:
            continue
        if spec.cluster_source == "deltas" and spec.slug not in DELTA_LAYERS:
            errors.append(
                checks.Error(
                    f"Layer {spec.slug!r} clusters from cell deltas, which no trigger "
                    "writes for it.",
                    hint='Declare cluster_source="grid", or add its delta triggers in a '
                    "migration (tiles/cell_deltas.py).",
                    obj=f"layer {spec.slug}",
                    id="tiles.E002",
                )
            )
        if spec.cluster_source != "pyramid":
            continue
        tables = {source.table for source in spec.sources}
        if not tables & set(COUNTED_TABLES):
            errors.append(
                checks.Error(
                    f"Layer {spec.slug!r} clusters from the point pyramid, which does not "
                    f"count its tables ({', '.join(sorted(tables)) or '-'}).",
                    hint='Declare cluster_source="grid": cells counted when a tile is made.',
                    obj=f"layer {spec.slug}",
                    id="tiles.E001",
                )
            )
    return errors
