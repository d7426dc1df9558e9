"""The starting catalogue of feedback categories (staff edit it in the admin).

Deadlines follow common practice of the city's 1022 line: hazards in a day or two, the rest
within a week or two. Noise reports are public only to 100 m (they often point at a home).
"""

from django.db import migrations

CATEGORIES = [
    # code, Vietnamese, English, deadline hours, public precision (m)
    ("den-duong", "Đèn đường hư hỏng", "Broken street light", 72, 0),
    ("ngap-nuoc", "Ngập nước", "Flooding", 24, 0),
    ("rac-thai", "Rác thải, vệ sinh môi trường", "Litter and waste", 48, 0),
    ("tieng-on", "Tiếng ồn", "Noise", 168, 100),
    ("lan-chiem-via-he", "Lấn chiếm vỉa hè", "Blocked pavement", 168, 50),
    ("hu-hong-duong", "Hư hỏng mặt đường", "Damaged road surface", 168, 0),
    ("cay-xanh", "Cây xanh nguy hiểm", "Dangerous tree", 48, 0),
    ("cap-thoat-nuoc", "Cấp thoát nước", "Water supply and drainage", 72, 0),
    ("khac", "Khác", "Other", 336, 50),
]


def add(apps, schema_editor):
    category = apps.get_model("feedback", "FeedbackCategory")
    for order, (code, vi, en, hours, precision) in enumerate(CATEGORIES):
        category.objects.update_or_create(
            code=code,
            defaults={
                "name_vi": vi,
                "name_en": en,
                "deadline_hours": hours,
                "public_precision_m": precision,
                "sort_order": order,
            },
        )


def remove(apps, schema_editor):
    apps.get_model("feedback", "FeedbackCategory").objects.filter(
        code__in=[c[0] for c in CATEGORIES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]

    operations = [migrations.RunPython(add, remove)]
