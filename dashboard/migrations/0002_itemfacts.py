"""The pre-aggregated facts table, its triggers, and its first fill (dashboard.facts)."""

from django.db import migrations

from dashboard import facts


def forwards(apps, schema_editor) -> None:
    """Create and fill ``dashboard_itemfact`` and install the triggers that keep it."""
    facts.install(schema_editor)


def backwards(apps, schema_editor) -> None:
    """Drop the triggers and the table."""
    facts.uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0001_initial"),
        ("feedback", "0005_event_internal_note"),
        ("layers", "0006_attributes_gin_path_ops"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
