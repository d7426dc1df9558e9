"""When an item is due, counted on the city's working calendar (``workdays.calendar``).

The first deadline is ``first_deadline(category, received_at)``: the category's amount in
its unit (calendar hours, working hours or working days) after the time received.

While staff wait for the resident (status "awaiting_info") the clock is paused, as the
one-stop rules allow for a dossier sent back for more information: ``pause`` notes when,
``resume`` adds the time paused to ``paused_seconds`` and pushes ``deadline_at`` by it.
The time paused is counted in the deadline's own kind of time: office seconds for working
units (a pause over a weekend pushes the deadline by the office hours it covered only),
calendar seconds for calendar hours. A paused item is never overdue.
"""

from datetime import datetime, timedelta

from feedback.models import OPEN_STATUSES, DeadlineUnit, FeedbackCategory, FeedbackItem
from workdays import calendar


def first_deadline(
    category: FeedbackCategory,
    received_at: datetime,
    on: calendar.WorkingCalendar | None = None,
) -> datetime:
    """The deadline of an item of this category received at ``received_at`` (on the
    calendar ``on``, default the current one)."""
    working = on or calendar.current_calendar()
    return working.add_working_time(received_at, category.deadline_amount, category.deadline_unit)


def pause(item: FeedbackItem, at: datetime) -> None:
    """Stop the item's clock at ``at`` (the caller saves the item); already paused: no change."""
    if item.paused_at is None:
        item.paused_at = at


def paused_time(item: FeedbackItem, until: datetime) -> int:
    """Seconds of the deadline's kind of time the item has been paused until ``until``."""
    if item.paused_at is None or until <= item.paused_at:
        return 0
    if item.category.deadline_unit == DeadlineUnit.HOURS:
        return int((until - item.paused_at).total_seconds())
    return calendar.working_seconds_between(item.paused_at, until)


def resume(item: FeedbackItem, at: datetime) -> None:
    """Restart the clock at ``at``: the time paused is added to ``paused_seconds`` and the
    deadline pushed by it (the caller saves the item); not paused: no change."""
    if item.paused_at is None:
        return
    seconds = paused_time(item, at)
    item.paused_seconds += seconds
    if item.category.deadline_unit == DeadlineUnit.HOURS:
        item.deadline_at = item.deadline_at + timedelta(seconds=seconds)
    else:
        item.deadline_at = calendar.add_working_seconds(item.deadline_at, seconds)
    item.paused_at = None


def is_overdue(item: FeedbackItem, now: datetime) -> bool:
    """Open, not paused, and past its deadline."""
    return item.status in OPEN_STATUSES and item.paused_at is None and now > item.deadline_at
