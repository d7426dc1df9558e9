"""The boundary target (``--layer areas``): a file's shapes onto a boundary generation.

The city's real boundaries replace the synthetic demo shapes, matched by official code.
The file comes through the importer core like any other (vetting, encodings, CRS,
geometry checks, report); here its rows are matched to the generation's areas, parents
the file does not give become the union of their parts (so every area stays inside its
parent), and everything is stored through ``layers.boundaries`` (idempotent upsert, lookup
pieces rebuilt) in the core's transaction.
"""

from collections.abc import Callable, Iterator

import shapely
from django.contrib.gis.geos import GEOSGeometry
from django.utils.translation import gettext as _

from importers import geometry, reader
from importers.crs import STORAGE_SRID
from importers.errors import ImportRefused
from importers.opening import open_rows
from importers.params import ImportParams
from importers.report import AreaChanges, ImportReport
from layers import boundaries
from layers.models import LEVEL_RANK, AdministrativeArea, BoundaryGeneration

MODE = "replace"  # an area keeps its code and attributes; only its shape is replaced
_NOTED_CODES = 20  # codes listed in a note; the counts are complete


def import_rows(
    params: ImportParams,
    dataset: reader.Dataset,
    layer_info: reader.LayerInfo,
    stream: Iterator[reader.Batch],
    report: ImportReport,
    progress: Callable[[int, int], None] | None,
) -> None:
    """Match the rows to the areas of ``params.generation`` by code and store their shapes.

    Rows are rejected with their code and reason; nothing is stored when any row is
    rejected, unless ``params.partial``. The caller's transaction makes it all or nothing.
    """
    report.mode, report.geometry_type = MODE, "MultiPolygon"
    generation = BoundaryGeneration.objects.get(slug=params.generation)  # params.validate()
    changes = report.areas = AreaChanges(generation=generation.slug)
    if params.code_field not in layer_info.fields:
        raise ImportRefused(
            _("No field {field} in layer {layer}; its fields are {fields}.").format(
                field=repr(params.code_field),
                layer=repr(layer_info.layer),
                fields=", ".join(layer_info.fields) or "-",
            ),
            parameter="code_field",
            hint=_("Name the field that holds the official area code with --code-field."),
        )
    opening = open_rows(params, dataset, layer_info, stream, report)
    transformer, extent = opening.transformer, opening.extent
    areas = {
        a.code: a
        for a in AdministrativeArea.objects.filter(generation=generation).select_related("parent")
    }
    shapes: dict[str, shapely.Geometry] = {}

    for batch in opening.batches(stream):
        report.rows_read += batch.attributes.num_rows
        checked = geometry.check(batch.wkb, "MultiPolygon", transformer, params.swap_xy, extent)
        outside = set(checked.outside)
        for i, raw in enumerate(batch.attributes.column(params.code_field).to_pylist()):
            row, code = batch.first_row + i, area_code(raw)
            reason = _code_problem(code, params.code_field, areas, shapes, generation.slug)
            reason = reason or checked.rejected.get(i)
            if reason:
                report.reject(row, reason, code)
                continue
            if i in checked.repaired:
                report.repair(row, checked.repaired[i], code)
            if i in outside:
                report.flag_outside(row)
            shapes[code] = checked.geoms[i]
        if progress:
            progress(report.rows_read, layer_info.count)

    report.note_outside()
    parents = {a.parent.code for a in areas.values() if a.parent_id}
    changes.not_in_file = sorted(c for c in areas if c not in shapes and c not in parents)
    if changes.not_in_file:
        report.notes.append(
            _(
                "{count} areas of generation {generation} are not in the file and keep their "
                "shapes: {codes}"
            ).format(
                count=len(changes.not_in_file),
                generation=generation.slug,
                codes=", ".join(changes.not_in_file[:_NOTED_CODES]),
            )
        )
    if report.rejected_count and not params.partial:
        return
    stored = _store(generation, areas, shapes, dataset.name, changes)
    changes.updated = sorted(set(shapes) & set(stored.updated))
    changes.unchanged = sorted(set(shapes) & set(stored.unchanged))
    report.updated, report.unchanged = len(changes.updated), len(changes.unchanged)
    if changes.parents_rebuilt:
        report.notes.append(
            _("Rebuilt as the union of their parts: {codes}").format(
                codes=", ".join(changes.parents_rebuilt)
            )
        )


def area_code(raw: object) -> str | None:
    """An official code as text (a number field's 26743.0 is "26743"), None when empty."""
    if raw is None:
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw).strip()
    return text or None


def _code_problem(
    code: str | None, field: str, areas: dict, shapes: dict, generation: str
) -> str | None:
    """Why a row's code cannot be used, or None."""
    if code is None:
        return _("empty {field}").format(field=repr(field))
    if code not in areas:
        return _("no area with code {code} in generation {generation}").format(
            code=code, generation=generation
        )
    if code in shapes:
        return _("code {code} appears more than once").format(code=code)
    return None


def _geos(geom: shapely.Geometry) -> GEOSGeometry:
    return GEOSGeometry(memoryview(shapely.to_wkb(geom)), srid=STORAGE_SRID)


def _store(
    generation: BoundaryGeneration,
    areas: dict[str, AdministrativeArea],
    shapes: dict[str, shapely.Geometry],
    source_name: str,
    changes: AreaChanges,
) -> boundaries.StoreReport:
    """Every area of the generation with its new shape (or its old one) through
    ``layers.boundaries.store_areas``; parents the file does not give are rebuilt."""
    source = f"imported from {source_name}"  # stored data, like the demo's own sources
    geoms = {code: _geos(g) for code, g in shapes.items()}
    synthetic = {c: a.geometry_is_synthetic and c not in shapes for c, a in areas.items()}
    sources = {c: source if c in shapes else a.geometry_source for c, a in areas.items()}
    children: dict[str, list[AdministrativeArea]] = {}
    for area in areas.values():
        if area.parent_id:
            children.setdefault(area.parent.code, []).append(area)
    # Parents that the file does not give become the union of their children, deepest
    # first, so that every area still lies inside its parent.
    for area in sorted(areas.values(), key=lambda a: -LEVEL_RANK[a.level]):
        kids = children.get(area.code)
        if area.code in shapes or not kids:
            continue
        parts = [shapely.from_wkb(bytes(geoms.get(k.code, k.geom).wkb)) for k in kids]
        geoms[area.code] = _geos(shapely.union_all(parts))
        synthetic[area.code] = any(synthetic[k.code] for k in kids)
        if not synthetic[area.code]:
            sources[area.code] = f"union of its parts, {source}"
        changes.parents_rebuilt.append(area.code)
    items = []
    for code, area in areas.items():
        geom = geoms.get(code, area.geom)
        label = area.label_point
        if label is None or not geom.contains(label):
            label = geom.point_on_surface
        items.append(
            boundaries.AreaInput(
                code=code,
                name=area.name,
                area_type=area.area_type,
                level=area.level,
                parent_code=area.parent.code if area.parent_id else None,
                geom=geom,
                label_point=label,
                official_area_km2=area.official_area_km2,
                geometry_is_synthetic=synthetic[code],
                geometry_source=sources[code],
            )
        )
    return boundaries.store_areas(generation, items)
