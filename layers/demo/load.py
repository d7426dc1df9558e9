"""Load the demo generations into the database: idempotent, a second run writes nothing."""

from dataclasses import dataclass

from django.contrib.gis.geos import GEOSGeometry
from django.db import transaction

from layers import boundaries
from layers.demo import build, units
from layers.demo.build import GEOMETRY_SOURCE, GenerationSpec

SOURCE = (
    "Codes, names, centres, areas and the old-to-new mapping: vietnamadminunits 1.0.4 (MIT). "
    "Outlines: Natural Earth 10m (public domain). Ward shapes are SYNTHETIC."
)


@dataclass
class DemoReport:
    """Per generation: areas created/updated/unchanged; and succession links written."""

    generations: dict[str, boundaries.StoreReport]
    successions_written: int

    @property
    def changed(self) -> bool:
        """True when the run wrote anything."""
        return self.successions_written > 0 or any(r.changed for r in self.generations.values())


def _inputs(spec: GenerationSpec) -> list[boundaries.AreaInput]:
    return [
        boundaries.AreaInput(
            code=a.record.code,
            name=a.record.name,
            area_type=a.record.area_type,
            level=a.record.level,
            parent_code=a.record.parent_code,
            geom=GEOSGeometry(memoryview(a.geom.wkb), srid=4326),
            label_point=GEOSGeometry(memoryview(a.label_point.wkb), srid=4326),
            official_area_km2=a.record.area_km2 if spec.valid_to is None else None,
            geometry_is_synthetic=True,
            geometry_source=GEOMETRY_SOURCE,
        )
        for a in spec.areas
    ]


@transaction.atomic
def load_demo() -> DemoReport:
    """Build both demo generations and store them with the old-to-new ward links."""
    reports = {}
    stored = {}
    for spec in (build.legacy_generation(), build.current_generation()):
        generation, _ = boundaries.upsert_generation(
            spec.slug,
            name=spec.name,
            valid_from=spec.valid_from,
            valid_to=spec.valid_to,
            description=spec.description,
            source=SOURCE,
        )
        reports[spec.slug] = boundaries.store_areas(generation, _inputs(spec), remove_missing=True)
        stored[spec.slug] = generation
    links = [(s.old_code, s.new_code, s.is_whole, s.is_default) for s in units.successions()]
    written = boundaries.store_successions(stored["2025-01"], stored["2025-07"], links)
    return DemoReport(generations=reports, successions_written=written)
