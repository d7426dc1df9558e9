"""manage.py revoke_api_key PREFIX: the key stops working at once."""

from django.core.management.base import BaseCommand, CommandError

from apikeys.keys import revoke


class Command(BaseCommand):
    help = "Revoke an API key by its prefix (as listed by list_api_keys) or by the whole key."

    def add_arguments(self, parser):
        parser.add_argument("prefix")

    def handle(self, *args, prefix, **options):
        try:
            key = revoke(prefix)
        except LookupError as exc:
            raise CommandError(f"No API key with prefix {prefix!r}.") from exc
        self.stdout.write(f"Revoked {key.prefix} ({key.name}) at {key.revoked_at.isoformat()}")
