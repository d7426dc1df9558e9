"""The starting catalogue's deadlines in the units offices count in (feedback.deadlines).

Hazards (flooding, a dangerous tree) stay in calendar hours: they are dealt with at night
and at weekends too. The rest are counted in working days on the city's calendar, about
the time the hours gave on weekdays; "other" gets the 10 working days petitions are
commonly answered in. Staff change them in the admin; only a category still at its
starting value is changed, so an edited one is left as the staff set it.
"""

from django.db import migrations

# code: (starting hours, new unit, new amount)
DEADLINES = {
    "den-duong": (72, "working_days", 3),
    "ngap-nuoc": (24, "hours", 24),
    "rac-thai": (48, "working_days", 2),
    "tieng-on": (168, "working_days", 5),
    "lan-chiem-via-he": (168, "working_days", 5),
    "hu-hong-duong": (168, "working_days", 5),
    "cay-xanh": (48, "hours", 48),
    "cap-thoat-nuoc": (72, "working_days", 3),
    "khac": (336, "working_days", 10),
}


def to_working_days(apps, schema_editor):
    category = apps.get_model("feedback", "FeedbackCategory")
    for code, (hours, unit, amount) in DEADLINES.items():
        category.objects.filter(code=code, deadline_unit="hours", deadline_amount=hours).update(
            deadline_unit=unit, deadline_amount=amount
        )


def to_hours(apps, schema_editor):
    category = apps.get_model("feedback", "FeedbackCategory")
    for code, (hours, unit, amount) in DEADLINES.items():
        category.objects.filter(code=code, deadline_unit=unit, deadline_amount=amount).update(
            deadline_unit="hours", deadline_amount=hours
        )


class Migration(migrations.Migration):
    dependencies = [("feedback", "0007_deadlines_pause_verification_privacy")]

    operations = [migrations.RunPython(to_working_days, to_hours)]
