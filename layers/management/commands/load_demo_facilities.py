"""``manage.py load_demo_facilities``: synthetic facilities in the current wards."""

import json
from dataclasses import asdict

from django.core.management.base import BaseCommand

from layers.demo.load_facilities import load_demo_facilities


class Command(BaseCommand):
    """Load (or bring up to date) the demo facilities; safe to run again."""

    help = (
        "Load the demo facilities (SYNTHETIC places, not real ones) into the wards of the "
        "current boundary generation. Run load_demo_areas first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args, **options):
        report = load_demo_facilities()
        if options["json"]:
            self.stdout.write(json.dumps({**asdict(report), "changed": report.changed}, indent=2))
            return
        self.stdout.write(f"categories: {report.categories}")
        self.stdout.write(f"facilities: {report.facilities}")
        self.stdout.write(f"wards assigned: {report.wards_changed}")
        self.stdout.write("changed" if report.changed else "nothing to change")
