"""The default texts of every event in Vietnamese and English (staff edit them in the admin)."""

from django.db import migrations

_FOOTER_VI = "Theo dõi: {{ url }}"
_FOOTER_EN = "Follow it: {{ url }}"
_NOTE_VI = "{% if note %}\nGhi chú: {{ note }}{% endif %}"
_NOTE_EN = "{% if note %}\nNote: {{ note }}{% endif %}"

DEFAULTS = {
    "received": (
        "Đã tiếp nhận phản ánh {{ tracking_code }}",
        "Phản ánh {{ tracking_code }} ({{ category }}, {{ ward }}) đã được tiếp nhận. "
        "Hạn xử lý: {{ deadline }}.",
        "Your report {{ tracking_code }} was received",
        "Your report {{ tracking_code }} ({{ category }}, {{ ward }}) was received. "
        "It is due by {{ deadline }}.",
    ),
    "accepted": (
        "Phản ánh {{ tracking_code }} đã được chấp nhận",
        "{{ ward }} đã chấp nhận phản ánh {{ tracking_code }} và sẽ xử lý.",
        "Your report {{ tracking_code }} was accepted",
        "{{ ward }} accepted your report {{ tracking_code }} and will handle it.",
    ),
    "in_progress": (
        "Phản ánh {{ tracking_code }} đang được xử lý",
        "Phản ánh {{ tracking_code }} đang được xử lý.",
        "Your report {{ tracking_code }} is being handled",
        "Work on your report {{ tracking_code }} has started.",
    ),
    "awaiting_info": (
        "Cần thêm thông tin cho phản ánh {{ tracking_code }}",
        "Cơ quan xử lý cần thêm thông tin từ bạn về phản ánh {{ tracking_code }}.",
        "More information needed for {{ tracking_code }}",
        "The city needs more information from you about your report {{ tracking_code }}.",
    ),
    "resolved": (
        "Phản ánh {{ tracking_code }} đã được giải quyết",
        "Phản ánh {{ tracking_code }} đã được giải quyết. "
        "Bạn có thể xác nhận hoặc mở lại nếu vấn đề vẫn còn.",
        "Your report {{ tracking_code }} was resolved",
        "Your report {{ tracking_code }} was resolved. "
        "You may confirm it, or reopen it if the problem is still there.",
    ),
    "closed": (
        "Phản ánh {{ tracking_code }} đã đóng",
        "Phản ánh {{ tracking_code }} đã đóng. Cảm ơn bạn.",
        "Your report {{ tracking_code }} was closed",
        "Your report {{ tracking_code }} was closed. Thank you.",
    ),
    "rejected": (
        "Phản ánh {{ tracking_code }} không được tiếp nhận",
        "Phản ánh {{ tracking_code }} không được tiếp nhận.",
        "Your report {{ tracking_code }} was not accepted",
        "Your report {{ tracking_code }} was not accepted.",
    ),
    "merged": (
        "Phản ánh {{ tracking_code }} đã được gộp",
        "Phản ánh {{ tracking_code }} trùng với một phản ánh khác và đã được gộp; "
        "kết quả sẽ được thông báo theo phản ánh đó.",
        "Your report {{ tracking_code }} was merged",
        "Your report {{ tracking_code }} repeats another one and was merged into it.",
    ),
    "reopened": (
        "Phản ánh {{ tracking_code }} đã được mở lại",
        "Phản ánh {{ tracking_code }} đã được mở lại và đang được xử lý tiếp.",
        "Your report {{ tracking_code }} was reopened",
        "Your report {{ tracking_code }} was reopened and is being handled again.",
    ),
}


def add_defaults(apps, schema_editor):
    """Create the missing default templates (an edited one is kept)."""
    template = apps.get_model("notifications", "NotificationTemplate")
    for event, (subject_vi, body_vi, subject_en, body_en) in DEFAULTS.items():
        template.objects.get_or_create(
            event=event,
            language="vi",
            defaults={
                "subject": subject_vi,
                "body": f"{body_vi}{_NOTE_VI}\n{_FOOTER_VI}",
            },
        )
        template.objects.get_or_create(
            event=event,
            language="en",
            defaults={
                "subject": subject_en,
                "body": f"{body_en}{_NOTE_EN}\n{_FOOTER_EN}",
            },
        )


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
