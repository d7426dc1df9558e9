"""``manage.py import_worker``: run queued import jobs (the upload API's other half)."""

from django.core.management.base import BaseCommand

from importers.jobs import work


class Command(BaseCommand):
    help = "Run queued import jobs as they come (--once: until the queue is empty)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Stop when the queue is empty.")
        parser.add_argument("--poll", type=float, default=1.0, help="Seconds between looks.")

    def handle(self, *args, **options):
        work(poll_seconds=options["poll"], once=options["once"])
