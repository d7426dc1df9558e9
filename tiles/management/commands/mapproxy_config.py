"""Write MapProxy's configuration from the layer registry (tiles/mapproxy/config.py).

    manage.py mapproxy_config [--url http://127.0.0.1:8000] [--output-dir run/mapproxy]

Writes ``mapproxy.yaml``, ``seed.yaml`` and ``proj/proj.db`` (the official VN-2000 datum
shift); run it again after a layer is imported, hidden or made public, then restart
MapProxy.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tiles.mapproxy import config


class Command(BaseCommand):
    help = "Write run/mapproxy/mapproxy.yaml and seed.yaml for the public layers."

    def add_arguments(self, parser):
        parser.add_argument(
            "--url",
            default="http://127.0.0.1:8000",
            help="Base URL at which MapProxy reaches this app's raster tiles.",
        )
        parser.add_argument(
            "--output-dir",
            default=str(settings.BASE_DIR / "run" / "mapproxy"),
            help="Where to write the files (the caches go below it, in cache/).",
        )

    def handle(self, *args, **options):
        try:
            written = config.write(Path(options["output_dir"]), options["url"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for slug in written.skipped:
            self.stderr.write(f"skipped layer {slug!r}: the name belongs to a MapProxy layer")
        self.stdout.write(
            f"wrote {written.config} and {written.seed} (layers: {', '.join(written.layers)})"
        )
