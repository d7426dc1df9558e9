"""Deadlines in working days on real dates: Tết 2026 and 2027, swapped working Saturdays
(the library's and an admin's), an admin's day off, and reports received late.

Every expected date is counted by hand in the comment above it (office hours
07:30-11:30 and 13:00-17:00, Asia/Ho_Chi_Minh; a report received after 15:00, or on a day
off, counts from the next working day; the day of receipt itself is not counted).
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from workdays.calendar import add_working_time, is_working_day, public_holidays
from workdays.models import CalendarDay, DayKind

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A city-local instant."""
    return datetime(year, month, day, hour, minute, tzinfo=HCM)


def days(start: date, end: date) -> list[date]:
    """The dates from start to end, both included."""
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def test_the_library_knows_the_tet_2026_weekdays_off():
    # Tết Bính Ngọ: the lunar new year is Tuesday 17 Feb 2026; the government announced
    # 14-22 Feb off. The library gives the weekdays of it (Mon 16 to Fri 20); the rest are
    # weekend days, so an admin needs to enter nothing for it.
    tet = {d for d in public_holidays(2026) if d.month == 2}
    assert tet == set(days(date(2026, 2, 16), date(2026, 2, 20)))
    assert not any(is_working_day(d) for d in days(date(2026, 2, 14), date(2026, 2, 22)))
    assert is_working_day(date(2026, 2, 13)) and is_working_day(date(2026, 2, 23))


def test_three_working_days_from_the_friday_before_tet_2026():
    # Received Fri 13 Feb 10:00: the 13th is the day of receipt; 14-22 off;
    # Mon 23 (1), Tue 24 (2), Wed 25 (3).
    assert add_working_time(at(2026, 2, 13, 10), 3, "working_days") == at(2026, 2, 25, 17)


def test_received_after_15_on_the_friday_before_tet_2026():
    # Received Fri 13 Feb 16:00: counts as received Mon 23; Tue 24 (1), Wed 25 (2), Thu 26 (3).
    assert add_working_time(at(2026, 2, 13, 16), 3, "working_days") == at(2026, 2, 26, 17)


def test_an_announced_day_off_missing_from_the_library_is_entered_by_an_admin():
    # Suppose the government added Mon 23 Feb 2026 to the Tết break: entered, it is skipped.
    CalendarDay.objects.create(
        date=date(2026, 2, 23), kind=DayKind.DAY_OFF, name_vi="Nghỉ bù Tết", name_en="Tết"
    )
    # Received Fri 13 Feb 10:00: Tue 24 (1), Wed 25 (2), Thu 26 (3).
    assert add_working_time(at(2026, 2, 13, 10), 3, "working_days") == at(2026, 2, 26, 17)


def test_tet_2027_is_skipped():
    # Tết Đinh Mùi: the lunar new year is Saturday 6 Feb 2027; the library gives Thu 4 to
    # Wed 10 Feb off (the weekdays 4, 5, 8, 9, 10 are holidays, 6-7 the weekend).
    weekdays_off = {d for d in public_holidays(2027) if d.month == 2 and d.weekday() < 5}
    assert weekdays_off == {date(2027, 2, n) for n in (4, 5, 8, 9, 10)}
    # Received Wed 3 Feb 09:00: Thu 11 (1), Fri 12 (2).
    assert add_working_time(at(2027, 2, 3, 9), 2, "working_days") == at(2027, 2, 12, 17)


def test_the_library_knows_the_swapped_working_saturday_of_2026():
    # 2 September 2026: Mon 31 Aug off, worked on Sat 22 Aug instead.
    assert is_working_day(date(2026, 8, 22)) and not is_working_day(date(2026, 8, 31))
    # Received Fri 21 Aug 10:00: Sat 22 (1).
    assert add_working_time(at(2026, 8, 21, 10), 1, "working_days") == at(2026, 8, 22, 17)
    # Received Fri 28 Aug 10:00: Sat 29, Sun 30 weekend, Mon 31 swapped off, Tue 1 and
    # Wed 2 Sep National Day; Thu 3 (1).
    assert add_working_time(at(2026, 8, 28, 10), 1, "working_days") == at(2026, 9, 3, 17)


def test_an_admins_swapped_working_saturday_counts():
    # Received Fri 9 Oct 2026 10:00: without the entry, Mon 12 (1).
    assert add_working_time(at(2026, 10, 9, 10), 1, "working_days") == at(2026, 10, 12, 17)
    CalendarDay.objects.create(
        date=date(2026, 10, 10), kind=DayKind.WORKING_DAY, name_vi="Làm bù", name_en="Swapped"
    )
    # With Sat 10 Oct a working day: Sat 10 (1).
    assert is_working_day(date(2026, 10, 10))
    assert add_working_time(at(2026, 10, 9, 10), 1, "working_days") == at(2026, 10, 10, 17)


def test_an_admins_day_off_is_skipped():
    CalendarDay.objects.create(
        date=date(2026, 10, 12), kind=DayKind.DAY_OFF, name_vi="Nghỉ bù", name_en="Day off"
    )
    assert not is_working_day(date(2026, 10, 12))
    # Received Fri 9 Oct 10:00: weekend, Mon 12 off; Tue 13 (1).
    assert add_working_time(at(2026, 10, 9, 10), 1, "working_days") == at(2026, 10, 13, 17)


def test_an_entry_removed_counts_no_more():
    entry = CalendarDay.objects.create(
        date=date(2026, 10, 12), kind=DayKind.DAY_OFF, name_vi="Nghỉ bù", name_en="Day off"
    )
    assert not is_working_day(date(2026, 10, 12))
    entry.delete()
    assert is_working_day(date(2026, 10, 12))


def test_received_at_14_59_counts_that_day_and_at_15_00_the_next():
    # Mon 5 Oct 2026: at 14:59 the 5th is the day of receipt, Tue 6 (1); at 15:00 the
    # report is received Tue 6, Wed 7 (1).
    assert add_working_time(at(2026, 10, 5, 14, 59), 1, "working_days") == at(2026, 10, 6, 17)
    assert add_working_time(at(2026, 10, 5, 15), 1, "working_days") == at(2026, 10, 7, 17)


def test_received_on_a_saturday_counts_from_monday():
    # Sat 10 Oct 2026: received Mon 12; Tue 13 (1).
    assert add_working_time(at(2026, 10, 10, 10), 1, "working_days") == at(2026, 10, 13, 17)


def test_an_instant_in_another_zone_is_counted_in_the_citys():
    # Mon 5 Oct 2026 08:30 UTC is 15:30 in the city: received Tue 6, due Wed 7.
    utc = datetime(2026, 10, 5, 8, 30, tzinfo=ZoneInfo("UTC"))
    assert add_working_time(utc, 1, "working_days") == at(2026, 10, 7, 17)
