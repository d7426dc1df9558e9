"""The day flows and per-month resolutions (sql/day_flows.sql), the open deltas again as
appended rows (no hot row for concurrent reports of one ward), the facts' new indexes and
the repeats' partial index, so the whole dashboard of a period reads a few thousand rows
(issue 14). The facts are not refilled; what is summed from them is rebuilt."""

from django.db import migrations

from core.sql_files import load_sql
from dashboard import facts


def forwards(apps, schema_editor) -> None:
    """Create the indexes, install the sums' triggers and rebuild the sums."""
    with schema_editor.connection.cursor() as cursor:
        # Writers lock an item, then its events, then its facts (the triggers): take the
        # same tables in the same order first, so a running intake waits, never deadlocks.
        cursor.execute(
            "LOCK TABLE feedback_feedbackitem, feedback_feedbackevent, dashboard_itemfact "
            "IN SHARE ROW EXCLUSIVE MODE"
        )
        cursor.execute(load_sql("dashboard", "repeats_index"))
    facts.install_sums(schema_editor)


def backwards(apps, schema_editor) -> None:
    """Drop the day flows and the repeats' index (the facts' indexes and the open deltas,
    appended or not, stay: both read the same)."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(load_sql("dashboard", "day_flows_uninstall"))
        cursor.execute("DROP INDEX IF EXISTS dashboard_feedbackitem_repeats")


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0003_open_deltas"),
        ("feedback", "0008_demo_categories_working_days"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
