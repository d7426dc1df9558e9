"""The importer core: a file into a layer, all or nothing (or ``partial``), with a report.

The commands (``import_layer``, ``import_boundaries``), the upload API's jobs and the
tests all call ``run_import``. It vets and opens the file (``sources``), decides its CRS
(``crs``), streams it through GDAL in batches (``reader``), makes each geometry storable
(``geometry``), stages the rows with COPY (``writer``) and, in the same transaction,
creates, replaces, appends to or upserts the layer (or, for ``areas``, the shapes of a
boundary generation). A new or replaced layer with no key skips staging: its row and
table come first, and the COPY fills the table (``writer.own_table``), which is made,
filled and indexed on connections of their own while this one counts the point pyramid
(``side_build``). A dry run does all of it but the pyramid and rolls back, so its report
is exact.
"""

import gc
import logging
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import psycopg
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from importers import areas, feature_columns, geometry, reader, sources, swap, writer
from importers.cells import PointCells
from importers.errors import ImportRefused
from importers.opening import open_rows
from importers.params import AREAS, ImportParams
from importers.report import ImportReport
from importers.side_build import SideBuild
from layers.models import Layer
from tiles import cell_partitions

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # (rows read so far, rows in the file or -1)

# Field names that usually hold a feature's name, best first (Vietnamese offices' own too).
_NAME_GUESSES = ("name_vi", "ten", "ten_vi", "name", "tên", "ten_dv", "ten_cs", "title")


class _RollBack(Exception):
    """Leaves the import's transaction without writing (dry run, rejected rows)."""


def run_import(params: ImportParams, progress: Progress | None = None) -> ImportReport:
    """Import ``params.path`` into ``params.layer``; the report says what happened.

    ``--layer areas`` is the boundary target (``importers.areas``): the same vetting,
    reading, CRS decision and report, stored as the shapes of a boundary generation.
    """
    params.validate()
    builds: list[SideBuild] = []  # ended after the transaction (side_build.py)
    target = areas.import_rows if params.layer == AREAS else partial(_import, builds=builds)
    started = time.monotonic()
    report = ImportReport(
        file=params.name,
        layer=params.layer,
        mode=params.mode,
        dry_run=params.dry_run,
        partial=params.partial,
    )
    with tempfile.TemporaryDirectory(prefix="commonmap-import-") as tmp:
        dataset = sources.open_dataset(params, Path(tmp))
        report.format = dataset.format
        report.encoding = dataset.encoding_note
        try:
            with reader.open_layer(dataset) as (layer_info, stream), transaction.atomic():
                report.source_layer = layer_info.layer
                target(params, dataset, layer_info, stream, report, progress)
                if params.dry_run or (report.rejected_count and not params.partial):
                    raise _RollBack
                committing = time.monotonic()
            report.committed = True
            report.timings["commit"] = time.monotonic() - committing
        except _RollBack:
            pass  # a dry run's counts stay: they are what the import would do
        finally:
            for build in builds:
                build.close(committed=report.committed)
            report.seconds = time.monotonic() - started
    return report


def _import(
    params: ImportParams,
    dataset: reader.Dataset,
    layer_info: reader.LayerInfo,
    stream,
    report: ImportReport,
    progress: Progress | None,
    builds: list[SideBuild],
) -> None:
    started = time.monotonic()
    layer = Layer.objects.filter(slug=params.layer).first()
    if params.mode == "create" and layer is not None:
        raise ImportRefused(
            _("Layer {layer} exists; import with mode replace, append or upsert.").format(
                layer=params.layer
            ),
            parameter="mode",
        )
    if params.mode != "create" and layer is None:
        raise ImportRefused(
            _("There is no layer {layer} to {mode}; import with mode create first.").format(
                layer=params.layer, mode=params.mode
            ),
            parameter="layer",
        )
    fields = _field_choices(params, layer, layer_info)
    opening = open_rows(params, dataset, layer_info, stream, report)
    first, sample = opening.first, opening.sample
    transformer, extent = opening.transformer, opening.extent
    if layer is None:
        layer_type = geometry.layer_type_for(layer_info.geometry_type, sample[:1000])
    else:
        layer_type = layer.geometry_type
    report.geometry_type = layer_type
    columns = writer.columns_for(first.attributes.schema, _ogr_types(dataset, layer_info))
    schema = _schema(params, layer, columns)
    report.fields = schema
    cells = PointCells.for_import(params.mode, layer, layer_type)  # while PostgreSQL copies

    side = table = None
    if writer.copies_directly(params.mode, fields["key"], columns):
        # The rows go straight into the layer's own table, so the layer and the table come
        # first; a refused import rolls the layer back and drops the table (run_import).
        layer = _layer_to_write(params, layer, layer_type, schema, fields)
        if params.mode == "replace":
            swap.hold_writers(layer.pk)
        try:
            side = SideBuild.start(layer.pk)
        except psycopg.OperationalError:  # no connection to spare: built in this transaction
            log.warning("import of %s built in its own transaction", params.layer, exc_info=True)
            table, conn = swap.new_table(layer.pk), connection.connection
        else:
            builds.append(side)
            table, conn = side.table, side.filler
        rows = writer.own_table(table, layer.pk, columns, conn)
    else:
        rows = writer.staging(columns)
    with _collector_paused(), rows as copy:
        for batch in opening.batches(stream):
            report.rows_read += batch.attributes.num_rows
            checked = geometry.check(batch.wkb, layer_type, transformer, params.swap_xy, extent)
            extra = feature_columns.extra_columns(batch, fields, checked)
            for i, reason in sorted(checked.rejected.items()):
                report.reject(batch.first_row + i, reason)
            for i, reason in sorted(checked.repaired.items()):
                if checked.geoms[i] is not None:
                    report.repair(batch.first_row + i, reason)
            for i in checked.outside:
                report.flag_outside(batch.first_row + i)
            copy.copy_batch(batch.first_row, checked, batch.attributes, extra)
            cells.add(checked.geoms)
            if progress:
                progress(report.rows_read, layer_info.count)

    if fields["key"]:
        for row, key, first_row in writer.duplicate_keys():
            report.reject(
                row, _("key {key} is also on row {first}").format(key=key, first=first_row)
            )
        report.rejected.sort(key=lambda note: note.row)
    report.note_outside()
    report.timings["read_check_stage"] = time.monotonic() - started
    if report.rejected_count and not params.partial:
        return
    writing = time.monotonic()
    if table is None:
        _apply(params, layer, layer_type, schema, fields, columns, report, cells)
    else:
        report.imported = copy.copied
        report.timings["rows"] = 0.0  # copied with the reading, in read_check_stage
        _index_and_swap(params, layer, table, report, cells, side)
    report.timings["write"] = time.monotonic() - writing


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while the batches are read and checked.

    Every batch makes tens of thousands of geometry objects, and each pass of the collector
    walks them and every object Django holds: a third of the CPU time of 1,000,000 points.
    The loop makes no reference cycles worth collecting, and memory stays one batch.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _apply(params, layer, layer_type, schema, fields, columns, report, cells) -> None:
    """The mode's writes from the staging table."""
    layer = _layer_to_write(params, layer, layer_type, schema, fields)
    if params.mode in ("create", "replace"):  # every row of the layer comes from the file
        started = time.monotonic()
        table = _own_table(params, layer)
        report.imported = writer.insert(layer.pk, columns, table=table)
        report.timings["rows"] = time.monotonic() - started
        _index_and_swap(params, layer, table, report, cells)
        return
    staged = writer.staged_count()
    if params.mode == "upsert":
        report.updated = writer.update(layer.pk, columns)
        report.imported = writer.insert(layer.pk, columns, only_new=True)
        report.unchanged = staged - report.updated - report.imported
    else:
        report.imported = writer.insert(layer.pk, columns)
    if report.imported or report.updated:  # an import that changed nothing leaves no trace
        Layer.objects.filter(pk=layer.pk).update(updated_at=timezone.now())


def _layer_to_write(params, layer, layer_type, schema, fields) -> Layer:
    """The layer the rows go to: created now, or the existing one locked against a
    concurrent import and given the file's new fields."""
    if layer is None:
        try:
            with transaction.atomic(), swap.own_partition():
                return Layer.objects.create(
                    slug=params.layer,
                    title=params.title or params.layer,
                    geometry_type=layer_type,
                    attribute_schema=schema,
                    name_attribute=fields["name"] or "",
                    time_attribute=fields["time"] or "",
                    source=_("Imported from {name}").format(name=params.name),
                )
        except IntegrityError as exc:
            raise ImportRefused(
                _("Layer {layer} was created meanwhile; import again with another mode.").format(
                    layer=params.layer
                ),
                parameter="layer",
            ) from exc
    layer = Layer.objects.select_for_update().get(pk=layer.pk)
    if layer.attribute_schema != schema:
        layer.attribute_schema = schema
        layer.save(update_fields=["attribute_schema", "updated_at"])
    return layer


def _own_table(params, layer) -> str:
    """A new or replaced layer's standalone table (importers/swap.py), made in the
    import's transaction; a replace first holds the writers of the old partition."""
    if params.mode == "replace":
        swap.hold_writers(layer.pk)
    return swap.new_table(layer.pk)


def _index_and_swap(params, layer, table, report, cells: PointCells, side=None) -> None:
    """A new or replaced layer's filled table indexed once, counted into the pyramid (the
    cells the import counted as it read, where they are exact, importers/cells.py), its
    tiles forgotten, and swapped in as the last step (importers/swap.py). A side build's
    indexes are built on its own connections meanwhile (importers/side_build.py). A dry
    run leaves the pyramid alone: its cells would only be rolled back. A point layer's
    cells go to a table of their own, swapped in beside its features
    (tiles/cell_partitions.py)."""
    timings = report.timings
    started = time.monotonic()
    if side is None:
        swap.build_indexes(table, layer.pk)
        timings["indexes"] = time.monotonic() - started
    else:
        side.build()
    counting = time.monotonic()
    cells_table = None
    if not params.dry_run and layer.geometry_type in ("Point", "MultiPoint"):
        cells_table = cell_partitions.new_table(layer.slug)
        counted = cells.for_layer(layer, report.imported)
        if counted is None:
            swap.recount_pyramid(table, layer.pk, cells_table)
        else:  # the read loop's extra time, and a sign of which way the count went
            counted.copy_into(cells_table, layer.slug)
            timings["pyramid_counted"] = counted.seconds
        cell_partitions.prepare(cells_table, layer.slug)
    swap.forget_tiles(layer.pk)
    timings["pyramid"] = time.monotonic() - counting
    if side is not None:  # the indexes and the pyramid at once: the stage's wall time
        side.finish()
        timings["indexes_with_pyramid"] = time.monotonic() - started
    if params.mode == "replace":
        report.deleted = swap.old_count(layer.pk)
        if report.imported or report.deleted:
            Layer.objects.filter(pk=layer.pk).update(updated_at=timezone.now())
    swapping = time.monotonic()
    swap.swap_in(table, layer.pk, cells_table)
    timings["swap"] = time.monotonic() - swapping


def _ogr_types(dataset: reader.Dataset, layer_info: reader.LayerInfo) -> dict[str, str]:
    return dict(zip(layer_info.fields, layer_info.ogr_types, strict=False))


def _field_choices(params: ImportParams, layer: Layer | None, layer_info) -> dict:
    """Which file fields name, date and key the features (checked to exist)."""
    names = layer_info.fields
    chosen = {"key": params.key}
    if layer is None:
        chosen["name"] = params.name_field or next(
            (n for guess in _NAME_GUESSES for n in names if n.lower() == guess), None
        )
        chosen["time"] = params.time_field
    else:
        chosen["name"] = params.name_field or layer.name_attribute or None
        chosen["time"] = params.time_field or layer.time_attribute or None
    for role, parameter in (("key", "key"), ("name", "name_field"), ("time", "time_field")):
        value = chosen[role]
        if value and value not in names:
            if role != "key" and layer is not None and not getattr(params, parameter):
                chosen[role] = None  # the layer's own choice, absent from this file
                continue
            raise ImportRefused(
                _("The file has no field {field}; its fields are {fields}.").format(
                    field=repr(value), fields=", ".join(names) or "-"
                ),
                parameter=parameter,
            )
    unknown = [f for f in params.private_fields if f not in names]
    if unknown:
        raise ImportRefused(
            _("The file has no field {field}; its fields are {fields}.").format(
                field=repr(unknown[0]), fields=", ".join(names) or "-"
            ),
            parameter="private_fields",
        )
    return chosen


def _schema(params: ImportParams, layer: Layer | None, columns: list[writer.Column]) -> list:
    """The layer's attribute schema: the existing one plus the file's new fields.

    A field whose type in the file contradicts the layer's is refused (an integer field
    may take integers only; a number field takes integers too).
    """
    schema = [dict(entry) for entry in (layer.attribute_schema if layer else [])]
    known = {entry["name"]: entry for entry in schema}
    for column in columns:
        entry = known.get(column.name)
        if entry is None:
            schema.append(
                {
                    "name": column.name,
                    "type": column.schema_type,
                    "title": column.name,
                    "public": column.name not in params.private_fields,
                }
            )
            continue
        old, new = entry.get("type"), column.schema_type
        if old != new and not (old == "number" and new == "integer"):
            raise ImportRefused(
                _(
                    "Field {field} holds {new} values in the file but {old} in layer {layer}."
                ).format(field=repr(column.name), new=new, old=old, layer=params.layer),
                parameter="path",
            )
        if column.name in params.private_fields:
            entry["public"] = False
    return schema
