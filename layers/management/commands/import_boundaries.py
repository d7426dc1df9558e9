"""``manage.py import_boundaries FILE --generation SLUG``: real boundaries over synthetic ones."""

import json
from dataclasses import asdict
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.errors import CommonMapError
from layers.boundary_import import BoundaryImportParams, import_boundaries


class Command(BaseCommand):
    """Replace the geometries of a generation's areas, matched by official code."""

    help = (
        "Put real boundaries from FILE (any format GDAL reads) on the areas of a boundary "
        "generation, matched by official code; parents not in the file become the union of "
        "their children. All or nothing unless --partial."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--generation", required=True, help="e.g. 2025-07")
        parser.add_argument("--code-field", default="code", help="field with the GSO code")
        parser.add_argument("--layer", help="layer name, when the file has several")
        parser.add_argument(
            "--srs", help="coordinate system when the file has none, e.g. EPSG:9210"
        )
        parser.add_argument("--partial", action="store_true", help="keep the good rows")
        parser.add_argument("--dry-run", action="store_true", help="check, write nothing")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args, **options):
        params = BoundaryImportParams(
            path=options["file"],
            generation=options["generation"],
            code_field=options["code_field"],
            layer=options["layer"],
            srs=options["srs"],
            partial=options["partial"],
            dry_run=options["dry_run"],
        )
        try:
            report = import_boundaries(params)
        except CommonMapError as exc:
            raise CommandError(exc.message) from exc
        if options["json"]:
            self.stdout.write(json.dumps(asdict(report), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(
                f"rows read {report.rows_read}, areas updated {len(report.updated)}, "
                f"unchanged {len(report.unchanged)}, repaired {len(report.repaired)}, "
                f"parents rebuilt {len(report.parents_rebuilt)}, rejected {len(report.rejected)}"
            )
            for row in report.rejected:
                self.stdout.write(f"  row {row.row} ({row.code}): {row.reason}")
            if report.not_in_file:
                self.stdout.write(
                    f"  {len(report.not_in_file)} areas are not in the file and keep their shapes"
                )
        if report.rejected and not params.partial:
            raise CommandError(
                f"{len(report.rejected)} rows rejected; nothing was imported (use --partial)."
            )
        if not report.committed and not params.dry_run:
            raise CommandError("nothing was imported")
