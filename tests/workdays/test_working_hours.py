"""Working hours and office time on real dates (office hours 07:30-11:30, 13:00-17:00 in
Asia/Ho_Chi_Minh), and the calendar's refusals. Expected instants counted by hand."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from workdays.calendar import (
    add_working_seconds,
    add_working_time,
    parse_office_hours,
    working_seconds_between,
)

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
HOUR = 3600


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A city-local instant."""
    return datetime(year, month, day, hour, minute, tzinfo=HCM)


def test_working_hours_skip_lunch():
    # Mon 5 Oct 2026 10:30 + 2 h: 10:30-11:30, then 13:00-14:00.
    assert add_working_time(at(2026, 10, 5, 10, 30), 2, "working_hours") == at(2026, 10, 5, 14)


def test_working_hours_skip_the_weekend():
    # Fri 9 Oct 2026 16:00 + 3 h: 16:00-17:00, then Mon 12 07:30-09:30.
    assert add_working_time(at(2026, 10, 9, 16), 3, "working_hours") == at(2026, 10, 12, 9, 30)


def test_working_hours_skip_tet_2026():
    # Fri 13 Feb 2026 16:00 + 4 h: 16:00-17:00, then (14-22 off) Mon 23 07:30-10:30.
    assert add_working_time(at(2026, 2, 13, 16), 4, "working_hours") == at(2026, 2, 23, 10, 30)


def test_working_hours_received_after_hours_start_at_the_next_opening():
    # Mon 5 Oct 2026 18:00 + 1 h: Tue 6 07:30-08:30.
    assert add_working_time(at(2026, 10, 5, 18), 1, "working_hours") == at(2026, 10, 6, 8, 30)


def test_a_full_office_day_ends_at_closing_time():
    # Mon 5 Oct 2026 07:30 + 8 h: the whole day, due at 17:00 that day (not Tue 07:30).
    assert add_working_time(at(2026, 10, 5, 7, 30), 8, "working_hours") == at(2026, 10, 5, 17)


def test_calendar_hours_run_through_the_night_and_weekend():
    # Fri 9 Oct 2026 16:00 + 24 h: Sat 10 16:00.
    assert add_working_time(at(2026, 10, 9, 16), 24, "hours") == at(2026, 10, 10, 16)


def test_office_seconds_between_two_instants():
    # Over lunch: Mon 5 Oct 11:00-11:30 and 13:00-13:30, one hour.
    assert working_seconds_between(at(2026, 10, 5, 11), at(2026, 10, 5, 13, 30)) == HOUR
    # Over a weekend: Fri 9 Oct 16:00-17:00 and Mon 12 07:30-09:30, three hours.
    assert working_seconds_between(at(2026, 10, 9, 16), at(2026, 10, 12, 9, 30)) == 3 * HOUR
    # Over Tết 2026: Fri 13 Feb 16:00-17:00 only, to Mon 23 07:30.
    assert working_seconds_between(at(2026, 2, 13, 16), at(2026, 2, 23, 7, 30)) == HOUR
    # Backwards: nothing.
    assert working_seconds_between(at(2026, 10, 12), at(2026, 10, 9)) == 0


def test_adding_office_seconds():
    # Mon 5 Oct 2026 11:15 + 30 min: 11:15-11:30, then 13:00-13:15.
    assert add_working_seconds(at(2026, 10, 5, 11, 15), 1800) == at(2026, 10, 5, 13, 15)
    assert add_working_seconds(at(2026, 10, 10, 9), 0) == at(2026, 10, 10, 9)


def test_the_office_hours_come_from_the_setting():
    # Office 08:00-12:00 only: Mon 5 Oct 2026 11:00 + 2 h is Tue 6 09:00.
    with override_settings(COMMONMAP={**settings.COMMONMAP, "OFFICE_HOURS": "08:00-12:00"}):
        assert add_working_time(at(2026, 10, 5, 11), 2, "working_hours") == at(2026, 10, 6, 9)
        assert add_working_time(at(2026, 10, 5, 9), 1, "working_days") == at(2026, 10, 6, 12)


def test_office_hours_are_parsed_and_checked():
    assert parse_office_hours("07:30-11:30,13:00-17:00") == (
        (time(7, 30), time(11, 30)),
        (time(13), time(17)),
    )
    for bad in ("", "7h30-11h30", "13:00-17:00,07:30-11:30", "12:00-12:00", "08:00"):
        with pytest.raises(ImproperlyConfigured):
            parse_office_hours(bad)


def test_refusals():
    with pytest.raises(ValueError, match="Unknown deadline unit"):
        add_working_time(at(2026, 10, 5), 1, "fortnights")
    with pytest.raises(ValueError, match="aware"):
        add_working_time(datetime(2026, 10, 5, 9), 1, "working_hours")
    with pytest.raises(ValueError, match="negative"):
        add_working_time(at(2026, 10, 5), -1, "working_days")
