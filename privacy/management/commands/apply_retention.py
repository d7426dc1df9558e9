"""manage.py apply_retention [--now ISO]: erase the personal data past its retention."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from privacy.services import apply_retention


class Command(BaseCommand):
    """A thin wrapper over ``privacy.services.apply_retention``."""

    help = "Erase reporters' personal data past its retention period (Decree 13/2023)."

    def add_arguments(self, parser) -> None:
        """``--now``: the time to run as of (ISO 8601; default: now)."""
        parser.add_argument("--now", help="Run as of this ISO 8601 time (default: now).")

    def handle(self, *args, **options) -> None:
        """Run it and say how many items were erased."""
        now = timezone.now()
        if options["now"]:
            now = parse_datetime(options["now"])
            if now is None:
                raise CommandError(f"--now {options['now']!r} is not an ISO 8601 time.")
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        erased = apply_retention(now)
        self.stdout.write(f"Erased the personal data of {len(erased)} item(s).")
        for code in erased:
            self.stdout.write(f"  {code}")
