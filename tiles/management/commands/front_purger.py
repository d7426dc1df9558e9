"""Forget in the HTTP front cache what each write changes (tiles/front_purge.py).

    manage.py front_purger [--front http://127.0.0.1:8000 ...] [--again-after 5]

Runs until stopped (SIGTERM or Ctrl-C): LISTENs to the database's ``commonmap_front``
notifications and sends each as bans to every front (default: COMMONMAP_FRONT_URL,
comma-separated).
"""

import contextlib
import signal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from tiles.front_purge import Purger, conninfo_from


class Command(BaseCommand):
    help = "Send the database's notifications of changed layers as bans to the front caches."

    def add_arguments(self, parser):
        parser.add_argument(
            "--front",
            action="append",
            help="Base URL of a front cache (repeatable; default COMMONMAP_FRONT_URL).",
        )
        parser.add_argument(
            "--again-after",
            type=float,
            default=5.0,
            help="Seconds after which each ban is sent once more (0: never).",
        )

    def handle(self, *args, front, again_after, **options):
        fronts = front or [u.strip() for u in settings.COMMONMAP["FRONT_URL"].split(",")]
        fronts = [u for u in fronts if u]
        if not fronts:
            raise CommandError("No front cache: pass --front URL or set COMMONMAP_FRONT_URL.")
        if bad := [u for u in fronts if not u.startswith(("http://", "https://"))]:
            raise CommandError(f"Not an http(s) URL: {', '.join(bad)}")
        if again_after < 0:
            raise CommandError("--again-after must be 0 or more.")
        purger = Purger(conninfo_from(connections["default"].settings_dict), fronts, again_after)
        signal.signal(signal.SIGTERM, lambda *_: purger.stop())
        with contextlib.suppress(KeyboardInterrupt):
            purger.run()
