"""``manage.py load_demo_feedback``: synthetic residents' reports for the demo map."""

from django.core.management.base import BaseCommand

from feedback.demo import load_demo_feedback


class Command(BaseCommand):
    """Load the demo reports; safe to run again (each has its own Idempotency-Key)."""

    help = (
        "Load SYNTHETIC residents' reports near the demo facilities, at every stage of the "
        "workflow. Run load_demo_areas and load_demo_facilities first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=300)
        parser.add_argument("--seed", type=int, default=2025)

    def handle(self, *args, count, seed, **options):
        report = load_demo_feedback(count, seed)
        self.stdout.write(
            f"demo reports: {report.created} created, {report.existing} already there"
        )
