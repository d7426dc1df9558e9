"""``manage.py sweep_notices``: write back the end of ended notices (run every few minutes)."""

from django.core.management.base import BaseCommand

from notices.services import sweep_ended


class Command(BaseCommand):
    """Mark published notices that have ended, so their cached tiles are forgotten."""

    help = "Mark published notices that have ended, so their cached tiles are forgotten."

    def handle(self, *args, **options) -> None:
        """Sweep and say how many."""
        self.stdout.write(f"{sweep_ended()} notice(s) ended since the last sweep.")
