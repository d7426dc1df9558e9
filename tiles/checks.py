"""The tiles app's system check of the registered layers: what the layer check
(layers/checks.py) cannot know, since it concerns how tiles are made."""

from django.core import checks

from layers.registry import builtin_specs
from tiles.pyramid import COUNTED_TABLES


def check_pyramid_layers(app_configs=None, **kwargs) -> list[checks.Error]:
    """A layer clustered from the point pyramid must read a table the pyramid counts, or
    its low-zoom tiles would be empty: ``tiles.E001`` otherwise."""
    errors = []
    for spec in builtin_specs():
        if spec.cluster_below is None or spec.cluster_source != "pyramid":
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
