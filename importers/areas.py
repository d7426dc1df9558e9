"""``--layer areas``: a boundary file into a named generation, through the same vetting.

The file passes the importer's checks (size, format, archive limits, KML entities) and
is then handed to ``layers.boundary_import``, which matches shapes to areas by code and
keeps every area inside its parent; its report is translated into an ``ImportReport``.
"""

import tempfile
import time
from pathlib import Path

from importers import sources
from importers.params import ImportParams
from importers.report import ImportReport
from layers.boundary_import import BoundaryImportParams, import_boundaries


def import_areas(params: ImportParams) -> ImportReport:
    """Put the file's shapes on the areas of ``params.generation``, matched by code."""
    started = time.monotonic()
    report = ImportReport(
        file=params.name,
        layer="areas",
        mode="replace",
        dry_run=params.dry_run,
        partial=params.partial,
        geometry_type="MultiPolygon",
    )
    with tempfile.TemporaryDirectory(prefix="commonmap-import-") as tmp:
        dataset = sources.open_dataset(params, Path(tmp))
        report.format, report.source_layer = dataset.format, dataset.layer or ""
        report.encoding = dataset.encoding_note
        result = import_boundaries(
            BoundaryImportParams(
                path=Path(dataset.path),
                generation=params.generation,
                code_field=params.code_field,
                layer=dataset.layer,
                srs=params.srs,
                partial=params.partial,
                dry_run=params.dry_run,
            )
        )
    report.rows_read = result.rows_read
    report.updated = len(result.updated)
    report.unchanged = len(result.unchanged)
    for row in result.rejected:
        report.reject(row.row, f"{row.code or '-'}: {row.reason}")
    for code in result.repaired:
        report.repair(0, f"area {code}")
    if result.not_in_file:
        report.notes.append(
            f"{len(result.not_in_file)} areas of generation {params.generation} are not in the "
            f"file and keep their shapes: {', '.join(result.not_in_file[:20])}"
        )
    if result.parents_rebuilt:
        report.notes.append(f"Rebuilt from their parts: {', '.join(result.parents_rebuilt)}")
    report.committed = result.committed
    report.seconds = time.monotonic() - started
    return report
