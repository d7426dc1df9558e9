"""``manage.py load_demo_areas``: the city's two boundary generations with synthetic shapes."""

from django.core.management.base import BaseCommand

from layers.demo.load import load_demo


class Command(BaseCommand):
    """Load (or bring up to date) the demo administrative areas; safe to run again."""

    help = "Load the demo boundary generations (2025-01 and 2025-07). Ward shapes are synthetic."

    def handle(self, *args, **options):
        report = load_demo()
        for slug, r in report.generations.items():
            self.stdout.write(
                f"generation {slug}: {len(r.created)} created, {len(r.updated)} updated, "
                f"{len(r.unchanged)} unchanged, {len(r.removed)} removed"
            )
        self.stdout.write(f"old-to-new ward links written: {report.successions_written}")
        self.stdout.write("changed" if report.changed else "nothing to change")
