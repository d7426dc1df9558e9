"""manage.py create_api_key NAME --scope open311 [--scope feedback]: the key is the last line."""

from django.core.management.base import BaseCommand, CommandError

from apikeys.keys import create_key
from apikeys.models import Scope


class Command(BaseCommand):
    help = "Create an API key for a service account; the key is printed once, as the last line."

    def add_arguments(self, parser):
        parser.add_argument("name", help="Who uses the key (an app, an aggregator, a bench).")
        parser.add_argument(
            "--scope",
            action="append",
            required=True,
            choices=Scope.values,
            help="An API the key may use (repeat for several).",
        )

    def handle(self, *args, name, scope, **options):
        try:
            key, raw = create_key(name, scope)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stderr.write(
            f"Created key {key.prefix} for {key.name!r} (scopes: {', '.join(key.scopes)}). "
            "Keep it now: it is stored only as a hash."
        )
        self.stdout.write(raw)
