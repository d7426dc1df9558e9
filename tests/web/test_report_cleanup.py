"""The removal the browser and front tests share (tests/committed_reports.py): a report sent
to the served app writes rows in many tables, and ``remove_reports`` takes every one away;
the check each module of this package ends with sees a report left and none removed."""

import io
import uuid

import pytest
import requests
from django.db import connection
from PIL import Image

from feedback.models import ContactAccess, FeedbackItem
from layers.models import AdministrativeArea
from notifications.models import Notification
from tests import committed_reports
from tests.committed_reports import LOOPBACK, left_behind, made_since, mark, remove_reports

pytestmark = pytest.mark.django_db

# The tables an anonymous report with a photo and an Idempotency-Key, read by the staff,
# writes to: one row each, but a fact per boundary generation and a job per notification.
WRITTEN = {
    "feedback_feedbackitem",
    "feedback_feedbackevent",
    "feedback_feedbackphoto",
    "feedback_idempotencyrecord",
    "feedback_contactaccess",
    "notifications_notification",  # in-app to the reporter: no e-mail, push or webhook
    "dashboard_itemfact",
    "procrastinate_jobs",
}


def _photo() -> bytes:
    out = io.BytesIO()
    Image.linear_gradient("L").resize((64, 48)).convert("RGB").save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def ward_point(read_db) -> tuple[float, float]:
    def find() -> tuple[float, float]:
        ward = AdministrativeArea.objects.filter(
            generation__valid_to__isnull=True, level="ward"
        ).order_by("code")[11]
        point = ward.geom.point_on_surface
        return point.x, point.y

    return read_db(find)


@pytest.fixture
def fresh_loopback(read_db) -> None:
    """No rate-limit window of the loopback address yet (an interrupted run may have left
    some): the report's are the only ones."""
    read_db(lambda: committed_reports.forget_callers([LOOPBACK]))


def _send(server_url: str, lon: float, lat: float) -> str:
    """An anonymous report with a photo and an Idempotency-Key, as the map sends one."""
    answer = requests.post(
        f"{server_url}/api/v1/feedback/items/",
        data={
            "category": "den-duong",
            "description": "Đèn hỏng (thử dọn báo cáo)",
            "lon": lon,
            "lat": lat,
            "reporter_phone": "0900111222",
        },
        files={"photos": ("den.png", _photo(), "image/png")},
        headers={"Idempotency-Key": str(uuid.uuid4())},
        timeout=30,
    )
    assert answer.status_code == 201, answer.text
    return answer.json()["tracking_code"]


def _read_by_staff(code: str) -> None:
    """A staff read of the reporter's phone, as the access log keeps it."""
    item = FeedbackItem.objects.get(tracking_code=code)
    ContactAccess.objects.create(
        username="can_bo_don_dep",
        item=item,
        tracking_code=code,
        fields="reporter_phone",
        via="test",
    )


def _rows_of(code: str) -> dict[str, int]:
    """The rows of the report with this tracking code, counted per table."""
    item = FeedbackItem.objects.get(tracking_code=code)
    notifications = Notification.objects.filter(item=item).values_list("pk", flat=True)
    return left_behind([item.pk], [code], list(notifications))


def _rows_of_removed(code: str) -> dict[str, int]:
    """The rows still there with the tracking code of a removed report."""
    return left_behind([], [code])


def _windows_of_loopback() -> int:
    bucket = committed_reports.rate_bucket(LOOPBACK)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM feedback_ratewindow WHERE split_part(bucket, ':', 3) = %s",
            [bucket],
        )
        return cursor.fetchone()[0]


def test_remove_reports_leaves_nothing_a_report_sent_to_the_server_wrote(
    server_url, ward_point, fresh_loopback, read_db
):
    code = _send(server_url, *ward_point)
    try:
        read_db(lambda: _read_by_staff(code))
        rows = read_db(lambda: _rows_of(code))
        assert set(rows) == WRITTEN
        assert rows["procrastinate_jobs"] == rows["notifications_notification"] == 1
        assert read_db(_windows_of_loopback) == 2  # the minute's and the hour's
    finally:
        read_db(lambda: remove_reports([code], callers=[LOOPBACK]))
    assert read_db(lambda: _rows_of_removed(code)) == {}
    assert read_db(_windows_of_loopback) == 0


def test_the_modules_check_sees_a_report_left_and_none_removed(
    server_url, ward_point, fresh_loopback, read_db
):
    before = read_db(mark)
    code = _send(server_url, *ward_point)
    try:
        left = read_db(lambda: made_since(before))
        assert set(left) >= {
            "feedback_feedbackitem",
            "feedback_feedbackevent",
            "feedback_feedbackphoto",
            "feedback_idempotencyrecord",
            "feedback_ratewindow",
            "notifications_notification",
            "procrastinate_jobs",
            "tiles_pointdelta (sums)",  # the map counts it
            "dashboard_opendelta_recent (sums)",  # so does the dashboard
        }
    finally:
        read_db(lambda: remove_reports([code], callers=[LOOPBACK]))
    assert read_db(lambda: made_since(before)) == {}
