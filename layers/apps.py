"""The common map's data: administrative areas, their generations, and spatial lookups."""

from django.apps import AppConfig


class LayersConfig(AppConfig):
    """App config for ``layers``: registers its layers and the registry's system check."""

    name = "layers"
    verbose_name = "Layers"

    def ready(self) -> None:
        """Register areas, facilities and the imported-layer family; check every spec; drop
        a deleted layer's partition after its deletion commits."""
        from django.db.models.signals import post_delete

        from layers import checks, registry
        from layers.layer_specs import (
            IMPORTED_SOURCES,
            areas_spec,
            facilities_spec,
            imported_layer,
            imported_layers,
        )
        from layers.models import Layer
        from layers.partitions import drop_partitions_after_commit

        registry.register("areas", areas_spec)
        registry.register("facilities", facilities_spec)
        registry.register_family(
            registry.LayerFamily(
                name="imported",
                layers_for=imported_layers,
                get=imported_layer,
                sources=IMPORTED_SOURCES,
            )
        )
        checks.register_checks()
        # A deleted layer's partition goes once the deletion commits (layers/partitions.py).
        post_delete.connect(
            drop_partitions_after_commit, sender=Layer, dispatch_uid="layers-drop-partitions"
        )
