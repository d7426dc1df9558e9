"""The privacy notice residents agree to (Decree 13/2023/NĐ-CP art. 13): its version, the
purposes, how long personal data is kept per category, and the time to answer requests."""

from django.conf import settings

from feedback.consent import notice_version, purposes
from feedback.models import FeedbackCategory
from privacy.models import RequestKind
from privacy.retention import default_days

# Labels of the purposes the city uses; a purpose added in the settings shows its code.
PURPOSE_LABELS = {
    "feedback_handling": (
        "Tiếp nhận, xử lý và trả lời phản ánh của người dân",
        "Receiving, handling and answering residents' feedback",
    ),
    "service_improvement": (
        "Thống kê để cải thiện dịch vụ công (không định danh)",
        "Statistics to improve public services (not identifying anyone)",
    ),
}

TEXT_VI = (
    "Khi gửi phản ánh, bạn đồng ý để Thành phố xử lý họ tên, số điện thoại, thư điện tử và "
    "vị trí chính xác bạn cung cấp cho mục đích đã chọn, theo Nghị định 13/2023/NĐ-CP. Chỉ "
    "cán bộ được giao xử lý mới xem được thông tin liên lạc và mỗi lần xem đều được ghi lại. "
    "Sau thời hạn lưu trữ của từng lĩnh vực, thông tin cá nhân bị xoá và vị trí được làm thô; "
    "phản ánh và số liệu thống kê vẫn được giữ. Bạn có quyền yêu cầu cung cấp, chỉnh sửa hoặc "
    "xoá dữ liệu của mình."
)
TEXT_EN = (
    "By sending feedback you agree that the City processes the name, phone number, e-mail "
    "address and exact location you give for the purpose you chose, under Decree "
    "13/2023/ND-CP. Only the staff handling it can see your contact details, and every view "
    "is logged. After each category's retention period your personal data is erased and the "
    "location coarsened; the report and the statistics stay. You may ask for your data, its "
    "correction or its deletion."
)


def answer_hours() -> dict[str, int]:
    """Hours within which each kind of request is answered (settings)."""
    options = settings.COMMONMAP
    return {
        RequestKind.EXPORT: int(options["PRIVACY_EXPORT_HOURS"]),
        RequestKind.CORRECT: int(options["PRIVACY_CORRECT_HOURS"]),
        RequestKind.DELETE: int(options["PRIVACY_DELETE_HOURS"]),
    }


def current_notice() -> dict:
    """The notice in force, in Vietnamese and English."""
    categories = FeedbackCategory.objects.filter(is_active=True).order_by("sort_order", "code")
    return {
        "version": notice_version(),
        "purposes": [
            {
                "code": code,
                "label_vi": PURPOSE_LABELS.get(code, (code, code))[0],
                "label_en": PURPOSE_LABELS.get(code, (code, code))[1],
                "default": index == 0,
            }
            for index, code in enumerate(purposes())
        ],
        "retention": {
            "default_days": default_days(),
            "categories": [
                {
                    "code": c.code,
                    "name_vi": c.name_vi,
                    "name_en": c.name_en,
                    "retention_days": (
                        c.retention_days if c.retention_days is not None else default_days()
                    ),
                }
                for c in categories
            ],
        },
        "request_answer_hours": {str(k): v for k, v in answer_hours().items()},
        "text": {"vi": TEXT_VI, "en": TEXT_EN},
    }
