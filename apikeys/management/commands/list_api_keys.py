"""manage.py list_api_keys [--all]: prefix, name, scopes, created, last used, revoked."""

from django.core.management.base import BaseCommand

from apikeys.models import ApiKey


class Command(BaseCommand):
    help = "List API keys (active ones; --all includes revoked keys). Keys themselves are not kept."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Include revoked keys.")

    def handle(self, *args, **options):
        keys = ApiKey.objects.all()
        if not options["all"]:
            keys = keys.filter(revoked_at__isnull=True)
        self.stdout.write("prefix\tname\tscopes\tcreated\tlast_used\trevoked")
        for key in keys:
            self.stdout.write(
                "\t".join(
                    [
                        key.prefix,
                        key.name,
                        ",".join(key.scopes),
                        key.created_at.isoformat(timespec="seconds"),
                        key.last_used_at.isoformat(timespec="seconds") if key.last_used_at else "-",
                        key.revoked_at.isoformat(timespec="seconds") if key.revoked_at else "-",
                    ]
                )
            )
