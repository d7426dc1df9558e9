"""Deadlines of items: the first one from the category's unit, the clock paused while
waiting for the resident, and overdue never while paused. Expected instants are counted by
hand (office hours 07:30-11:30 and 13:00-17:00, Asia/Ho_Chi_Minh)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from core.errors import InvalidParameter
from feedback.deadlines import first_deadline, is_overdue, pause, resume
from feedback.models import FeedbackCategory, FeedbackItem, Status
from feedback.queries import ItemFilters, items_for
from feedback.workflow import transition

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
HOUR = 3600


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A city-local instant."""
    return datetime(year, month, day, hour, minute, tzinfo=HCM)


def category(unit: str, amount: int) -> FeedbackCategory:
    """A category (unsaved) with this deadline."""
    return FeedbackCategory(code="thu", deadline_unit=unit, deadline_amount=amount)


def open_item(unit: str, amount: int, deadline: datetime) -> FeedbackItem:
    """An item (unsaved) in progress, due at ``deadline``."""
    return FeedbackItem(
        category=category(unit, amount), status=Status.IN_PROGRESS, deadline_at=deadline
    )


def test_first_deadline_in_each_unit():
    # Received Fri 13 Feb 2026 10:00, before Tết (14-22 Feb off).
    received = at(2026, 2, 13, 10)
    # 48 calendar hours: Sun 15 Feb 10:00.
    assert first_deadline(category("hours", 48), received) == at(2026, 2, 15, 10)
    # 9 working hours: 10:00-11:30, 13:00-17:00 (5.5 h), then Mon 23 07:30-11:00 (3.5 h).
    assert first_deadline(category("working_hours", 9), received) == at(2026, 2, 23, 11)
    # 3 working days: Mon 23, Tue 24, Wed 25.
    assert first_deadline(category("working_days", 3), received) == at(2026, 2, 25, 17)


def test_a_pause_over_a_weekend_pushes_by_the_office_time_paused_only():
    item = open_item("working_days", 3, at(2026, 10, 14, 17))
    # Paused Fri 9 Oct 2026 16:00, resumed Mon 12 Oct 09:30: 16:00-17:00 and 07:30-09:30.
    pause(item, at(2026, 10, 9, 16))
    assert item.paused_at == at(2026, 10, 9, 16)
    resume(item, at(2026, 10, 12, 9, 30))
    assert item.paused_at is None and item.paused_seconds == 3 * HOUR
    # Wed 14 Oct 17:00 + 3 office hours: Thu 15 Oct 07:30-10:30.
    assert item.deadline_at == at(2026, 10, 15, 10, 30)


def test_pauses_add_up():
    item = open_item("working_hours", 16, at(2026, 10, 14, 17))
    pause(item, at(2026, 10, 5, 9))
    resume(item, at(2026, 10, 5, 10))  # 1 h
    pause(item, at(2026, 10, 5, 11))
    pause(item, at(2026, 10, 5, 11, 15))  # already paused: the first time counts
    resume(item, at(2026, 10, 5, 13, 30))  # 11:00-11:30 and 13:00-13:30: 1 h
    resume(item, at(2026, 10, 5, 16))  # not paused: nothing
    assert item.paused_seconds == 2 * HOUR
    # Wed 14 Oct 17:00 + 1 h, then + 1 h: Thu 15 Oct 09:30.
    assert item.deadline_at == at(2026, 10, 15, 9, 30)


def test_a_pause_of_a_calendar_hours_item_counts_calendar_time():
    item = open_item("hours", 24, at(2026, 10, 10, 16))
    # Paused Fri 9 Oct 16:00, resumed Mon 12 Oct 09:30: 65.5 calendar hours.
    pause(item, at(2026, 10, 9, 16))
    resume(item, at(2026, 10, 12, 9, 30))
    assert item.paused_seconds == int(65.5 * HOUR)
    assert item.deadline_at == at(2026, 10, 13, 9, 30)


def test_never_overdue_while_paused():
    item = open_item("working_days", 1, at(2026, 10, 6, 17))
    later = at(2026, 10, 20, 9)
    assert is_overdue(item, later)
    pause(item, at(2026, 10, 6, 9))
    assert not is_overdue(item, later)
    # Resumed Wed 7 Oct 09:00: paused Tue 6 09:00-11:30, 13:00-17:00, Wed 07:30-09:00 (8 h);
    # due Tue 6 17:00 + 8 h: Wed 7 17:00.
    resume(item, at(2026, 10, 7, 9))
    assert item.deadline_at == at(2026, 10, 7, 17)
    assert not is_overdue(item, at(2026, 10, 7, 16, 59))
    assert is_overdue(item, at(2026, 10, 7, 17, 1))


def test_asking_the_resident_pauses_and_answering_resumes(item, actors):
    transition(actors["ward_staff"], item.tracking_code, Status.ACCEPTED)
    due = FeedbackItem.objects.get(pk=item.pk).deadline_at
    asked = transition(
        actors["ward_staff"], item.tracking_code, Status.AWAITING_INFO, note="Số nhà gần nhất?"
    )
    assert asked.status == Status.AWAITING_INFO and asked.paused_at is not None
    answered = transition(
        actors["resident"], item.tracking_code, Status.IN_PROGRESS, note="Trước số 12"
    )
    assert answered.paused_at is None
    # Paused for an instant: the deadline moved by the office seconds it lasted (0 at night).
    assert answered.deadline_at - due == timedelta(seconds=answered.paused_seconds)
    assert answered.paused_seconds <= 5


def test_asking_the_resident_needs_a_note(item, actors):
    transition(actors["ward_staff"], item.tracking_code, Status.ACCEPTED)
    with pytest.raises(InvalidParameter) as refused:
        transition(actors["ward_staff"], item.tracking_code, Status.AWAITING_INFO, note="  ")
    assert refused.value.parameter == "note"
    assert FeedbackItem.objects.get(pk=item.pk).paused_at is None


def test_the_overdue_filter_leaves_paused_items_out(item, actors):
    transition(actors["ward_staff"], item.tracking_code, Status.ACCEPTED)
    transition(actors["ward_staff"], item.tracking_code, Status.AWAITING_INFO, note="Ảnh rõ hơn?")
    FeedbackItem.objects.filter(pk=item.pk).update(deadline_at=timezone.now() - timedelta(days=1))
    city = actors["city_staff"]
    assert not items_for(city, ItemFilters(overdue=True)).exists()
    assert items_for(city, ItemFilters(overdue=False)).get() == item
