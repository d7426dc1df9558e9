"""The common map's data: administrative areas, their generations, and spatial lookups."""

from django.apps import AppConfig


class LayersConfig(AppConfig):
    """App config for ``layers``: registers its layers and the registry's system check."""

    name = "layers"
    verbose_name = "Layers"

    def ready(self) -> None:
        """Register areas, facilities and the imported-layer family; check every spec."""
        from layers import checks, registry
        from layers.layer_specs import (
            IMPORTED_SOURCES,
            areas_spec,
            facilities_spec,
            imported_layer,
            imported_layers,
        )

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
