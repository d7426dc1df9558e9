"""``manage.py import_boundaries FILE --generation SLUG``: ``import_layer --layer areas``.

The alias keeps the options the city's GIS staff know; everything else is the importer
core (``run_import``), as for the upload API and ``import_layer``.
"""

from pathlib import Path

from importers.management.commands import import_layer
from importers.params import AREAS, ImportParams


class Command(import_layer.Command):
    """Real boundaries over a generation's shapes, matched by official code."""

    help = (
        "Put real boundaries from FILE (Shapefile, GeoPackage, GeoJSON, KML/KMZ, FlatGeobuf, "
        "or a .zip of one) on the areas of a boundary generation, matched by official code; "
        "parents not in the file become the union of their children. All or nothing unless "
        "--partial; prints a report. Same as import_layer --layer areas."
    )

    def add_arguments(self, parser):
        """The options of the former ``layers`` command, unchanged."""
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

    def params_from(self, options: dict) -> ImportParams:
        """The boundary target's parameters (``--layer`` names the file's layer here)."""
        return ImportParams(
            path=options["file"],
            layer=AREAS,
            generation=options["generation"],
            code_field=options["code_field"],
            source_layer=options["layer"],
            srs=options["srs"],
            partial=options["partial"],
            dry_run=options["dry_run"],
        )
