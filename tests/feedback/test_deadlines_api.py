"""Deadlines through the APIs: staff ask the resident for more and the resident answers
(the clock paused between), the refused step, and Open311's expected_datetime on the
working calendar."""

from datetime import datetime, timedelta
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from apikeys.keys import create_key
from feedback.deadlines import first_deadline
from feedback.models import FeedbackCategory, FeedbackItem
from workdays.calendar import is_working_day

from .conftest import inside
from .rest import ITEMS, step, submit_as

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
OPEN311 = "/open311/v2"


def test_staff_ask_the_resident_and_the_resident_answers(client, wards, people):
    code = submit_as(client, people["resident"], wards[0])
    client.force_login(people["ward_staff"])
    assert step(client, code, to="accepted").status_code == 200
    assert "awaiting_info" in client.get(f"{ITEMS}{code}/").json()["allowed_next"]
    asked = step(client, code, to="awaiting_info", note="Cột đèn số mấy?")
    assert asked.status_code == 200, asked.content
    assert asked.json()["status"] == "awaiting_info"
    assert asked.json()["timeline"][-1]["note"] == "Cột đèn số mấy?"
    # Long past its deadline, a paused item is not overdue, nor listed as such.
    FeedbackItem.objects.filter(tracking_code=code).update(
        deadline_at=timezone.now() - timedelta(days=2)
    )
    assert client.get(f"{ITEMS}{code}/").json()["overdue"] is False
    listed = client.get(f"{ITEMS}?overdue=true").json()
    assert code not in {entry["tracking_code"] for entry in listed["results"]}
    client.force_login(people["other_resident"])
    assert step(client, code, to="in_progress", note="?").status_code == 404
    client.force_login(people["resident"])
    answered = step(client, code, to="in_progress", note="Cột số 14")
    assert answered.status_code == 200, answered.content
    assert answered.json()["status"] == "in_progress"
    assert answered.json()["overdue"] is True  # the clock runs again, still past due
    assert FeedbackItem.objects.get(tracking_code=code).paused_at is None


def test_staff_take_the_item_back_in_hand(client, wards, people):
    code = submit_as(client, people["resident"], wards[0])
    client.force_login(people["ward_staff"])
    step(client, code, to="accepted")
    step(client, code, to="in_progress")
    assert step(client, code, to="awaiting_info", note="Gửi ảnh").status_code == 200
    back = step(client, code, to="in_progress", internal_note="Đã gọi điện")
    assert back.status_code == 200 and back.json()["status"] == "in_progress"


def test_asking_without_a_note_is_refused_naming_note(client, wards, people):
    code = submit_as(client, people["resident"], wards[0])
    client.force_login(people["ward_staff"])
    step(client, code, to="accepted")
    refused = step(client, code, to="awaiting_info")
    assert refused.status_code == 400
    assert refused.json()["parameter"] == "note"
    assert FeedbackItem.objects.get(tracking_code=code).status == "accepted"


def test_a_received_item_cannot_wait_for_the_resident(client, wards, people):
    code = submit_as(client, people["resident"], wards[0])
    client.force_login(people["ward_staff"])
    assert step(client, code, to="awaiting_info", note="?").status_code == 409


def test_open311_expected_datetime_is_the_working_calendars(client, wards):
    raw_key = create_key("aggregator", ["open311"])[1]
    assert FeedbackCategory.objects.get(code="den-duong").deadline_unit == "working_days"
    lon, lat = inside(wards[0])
    filed = client.post(
        f"{OPEN311}/requests.json",
        {
            "api_key": raw_key,
            "service_code": "den-duong",
            "description": "Đèn đường tắt",
            "lat": str(lat),
            "long": str(lon),
        },
    )
    assert filed.status_code == 201, filed.content
    code = filed.json()[0]["service_request_id"]
    (entry,) = client.get(f"{OPEN311}/requests/{code}.json").json()
    due = datetime.fromisoformat(entry["expected_datetime"])
    assert due.astimezone(HCM).time().hour == 17 and is_working_day(due.astimezone(HCM).date())
    # Received Fri 13 Feb 2026 10:00: Tết 14-22 Feb; Mon 23, Tue 24, Wed 25 (3 working days).
    received = datetime(2026, 2, 13, 10, tzinfo=HCM)
    item = FeedbackItem.objects.get(tracking_code=code)
    FeedbackItem.objects.filter(pk=item.pk).update(
        created_at=received, deadline_at=first_deadline(item.category, received)
    )
    (entry,) = client.get(f"{OPEN311}/requests/{code}.json").json()
    assert entry["expected_datetime"] == "2026-02-25T17:00:00+07:00"
    root = ElementTree.fromstring(client.get(f"{OPEN311}/requests/{code}.xml").content)
    assert root.find("request/expected_datetime").text == "2026-02-25T17:00:00+07:00"


def test_open311_says_a_paused_request_waits_for_the_reporter(client, wards, people):
    code = submit_as(client, people["resident"], wards[0])
    client.force_login(people["ward_staff"])
    step(client, code, to="accepted")
    step(client, code, to="awaiting_info", note="Cột đèn số mấy?")
    client.logout()
    (entry,) = client.get(f"{OPEN311}/requests/{code}.json", HTTP_ACCEPT_LANGUAGE="en").json()
    assert entry["status"] == "open"
    assert "paused" in entry["status_notes"]
