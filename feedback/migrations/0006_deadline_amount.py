from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("feedback", "0005_event_internal_note")]

    operations = [
        migrations.RenameField("feedbackcategory", "deadline_hours", "deadline_amount"),
    ]
