"""``manage.py import_layer FILE --layer SLUG``: the importer core from a terminal."""

import gc
import json

from django.core import checks
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from core.errors import CommonMapError
from importers.params import MODES, ImportParams
from importers.services import run_import


class Command(BaseCommand):
    """A file into a layer through ``run_import``; ``import_boundaries`` is this with fewer
    options."""

    help = (
        "Import a Shapefile (zipped or with its sidecars), GeoJSON, GeoPackage, KML/KMZ, CSV "
        "or FlatGeobuf into a layer. All or nothing unless --partial; prints a report."
    )
    # The checks of what an import uses: the models it writes and the layer registry. The
    # others concern serving the site, the URL conf above all (loading it imports every
    # view: most of the checks' time); ``check``, ``makemigrations --check`` (make test),
    # ``migrate`` and ``runserver`` still run them all.
    requires_system_checks = [checks.Tags.models, "layers"]

    def run_from_argv(self, argv):
        """Run as a process of its own, whose start-up objects the garbage collector skips.

        Django and the apps leave some 140,000 objects (modules, classes, registries) that
        live as long as the process, yet every full collection walks them all again: those
        during the import and the several the interpreter runs on its way out, over a second
        of each run under load. Frozen, they are never walked; at the end the import's
        survivors are frozen too, as the process ends next. ``call_command`` (the tests, a
        long-lived process) does not come this way.
        """
        gc.freeze()
        try:
            super().run_from_argv(argv)
        finally:
            gc.freeze()

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--layer", required=True, help="Layer slug ('areas' for boundaries).")
        parser.add_argument("--mode", choices=MODES, default="create")
        parser.add_argument("--srs", help="The file's CRS when it has none or a wrong one.")
        parser.add_argument("--encoding", help="utf-8, cp1258, tcvn3 or vni (else detected).")
        parser.add_argument("--key", help="Field that identifies a feature (upsert).")
        parser.add_argument("--source-layer", help="Layer in a GeoPackage/KML, file in a zip.")
        parser.add_argument("--title", help="Title of a new layer.")
        parser.add_argument("--name-field", help="Field that names a feature.")
        parser.add_argument("--time-field", help="Field that dates a feature.")
        parser.add_argument("--x-field", help="CSV longitude/x column.")
        parser.add_argument("--y-field", help="CSV latitude/y column.")
        parser.add_argument("--wkt-field", help="CSV WKT column.")
        parser.add_argument(
            "--private-field", action="append", default=[], help="Staff-only field (repeat)."
        )
        parser.add_argument("--swap-xy", action="store_true", help="Coordinates are lat/lon.")
        parser.add_argument("--partial", action="store_true", help="Keep the good rows.")
        parser.add_argument("--dry-run", action="store_true", help="Check and report only.")
        parser.add_argument("--generation", help="Boundary generation (--layer areas).")
        parser.add_argument("--code-field", default="code", help="Area code field (areas).")
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args, **options):
        """Run the importer core on the file and print its report (JSON with --json)."""
        params = self.params_from(options)
        bar = tqdm(
            unit=" rows", disable=options["verbosity"] < 1, file=self.stderr._out
        )  # the wrapper would add a newline per refresh

        def progress(done: int, total: int) -> None:
            if total > 0 and bar.total != total:
                bar.total = total
            bar.update(done - bar.n)

        try:
            report = run_import(params, progress)
        except CommonMapError as exc:
            hint = f"\n{exc.hint}" if exc.hint else ""
            raise CommandError(f"{exc.message}{hint}") from exc
        finally:
            bar.close()
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, default=str))
        else:
            self.stdout.write(report.summary())
        if report.rejected_count and not params.partial and not params.dry_run:
            raise CommandError(f"{report.rejected_count} rows rejected; nothing was imported.")

    def params_from(self, options: dict) -> ImportParams:
        """The importer's parameters from the command line."""
        return ImportParams(
            path=options["file"],
            layer=options["layer"],
            mode=options["mode"],
            srs=options["srs"],
            encoding=options["encoding"],
            key=options["key"],
            source_layer=options["source_layer"],
            title=options["title"],
            name_field=options["name_field"],
            time_field=options["time_field"],
            x_field=options["x_field"],
            y_field=options["y_field"],
            wkt_field=options["wkt_field"],
            private_fields=tuple(options["private_field"]),
            swap_xy=options["swap_xy"],
            partial=options["partial"],
            dry_run=options["dry_run"],
            generation=options["generation"],
            code_field=options["code_field"],
        )
