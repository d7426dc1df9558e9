"""The facts again, with the spans an item waited for the resident (awaiting_info), the
open statuses that now include it, and the open deltas that count open and overdue items
without reading each (dashboard.facts, sql/open_deltas.sql)."""

from django.db import migrations

from dashboard import facts


def forwards(apps, schema_editor) -> None:
    """Reinstall the facts' functions and triggers, refill them, and build the deltas."""
    facts.install(schema_editor)


def backwards(apps, schema_editor) -> None:
    """Leave the facts as they are (the previous install reads the same table)."""


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0002_itemfacts"),
        ("feedback", "0007_deadlines_pause_verification_privacy"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
