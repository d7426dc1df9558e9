"""The city's working calendar, and deadlines counted on it.

A **working day** is Monday to Friday, unless it is a Vietnamese public holiday, and a
Saturday or Sunday is one when the government swapped it for a weekday off. The fixed
rules come from the ``holidays`` library (``holidays.Vietnam``: New Year, lunar Tết and
Hùng Kings' day computed on the lunisolar calendar, the observed and substituted days it
knows, and the swapped working Saturdays it knows); a ``CalendarDay`` entered by an admin
overrides both, either way, for what the government announces each year.

**Office hours** (``COMMONMAP["OFFICE_HOURS"]``, default ``07:30-11:30,13:00-17:00``) are
the working time of a working day, in the city's time zone (``TIME_ZONE``). Every answer is
an aware datetime in that zone.

Deadline units (``add_working_time``):

- ``hours``: calendar hours, night and weekend included (hazards are dealt with at once);
- ``working_hours``: office time only, counted from the instant received (received out of
  hours: from the next opening);
- ``working_days``: the end of the office day N working days after the **day of receipt**.
  As the Civil Code (2015, art. 147) counts a period in days, the day of receipt itself is
  not counted; as one-stop offices do (Decree 61/2018/NĐ-CP: what is received after
  15:00 is dealt with from the next working day), a report received after 15:00, or on a
  day that is not a working day, is received on the next working day. So a report of a
  3-working-day category received on Monday at 10:00 is due on Thursday at 17:00, one
  received on Monday at 16:00 on Friday at 17:00.

The holiday rules of a year are computed once per process; the admin's days are read again
whenever the table changed (a cheap count and latest-change check per call, and a signal
in this process), so a day entered in the admin counts at once in every worker; ``held``
leaves that check to a caller that makes it in its own statement (a report's). (Writes
are expected through the admin or ``save``: a bulk ``update()`` that leaves ``updated_at``
as it was is not seen by other processes until their next change.)
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models.signals import post_delete, post_save

from workdays.models import CalendarDay, DayKind

HOURS = "hours"
WORKING_HOURS = "working_hours"
WORKING_DAYS = "working_days"
UNITS = (HOURS, WORKING_HOURS, WORKING_DAYS)

# Received after this local time (or on a day off), a report is received on the next
# working day (Decree 61/2018/NĐ-CP's rule for dossiers received late in the day).
LATE_RECEIPT_AFTER = time(15, 0)
# No stretch of days off is this long: a search past it is a misconfigured calendar.
MAX_DAYS_SEARCHED = 3660

OfficeHours = tuple[tuple[time, time], ...]


def parse_office_hours(text: str) -> OfficeHours:
    """``"07:30-11:30,13:00-17:00"`` as ordered, non-overlapping (start, end) times."""
    intervals = []
    try:
        for part in text.split(","):
            start, end = (time.fromisoformat(value.strip()) for value in part.split("-"))
            intervals.append((start, end))
    except ValueError as error:
        raise ImproperlyConfigured(
            f"COMMONMAP_OFFICE_HOURS must be HH:MM-HH:MM intervals, comma-separated: {text!r}"
        ) from error
    ends = [time.min] + [end for _, end in intervals]
    if not intervals or any(not ends[n] <= start < end for n, (start, end) in enumerate(intervals)):
        raise ImproperlyConfigured(
            f"COMMONMAP_OFFICE_HOURS must be ordered, non-overlapping intervals: {text!r}"
        )
    return tuple(intervals)


@dataclass(frozen=True)
class _YearRules:
    holidays: frozenset[date]
    working_weekend_days: frozenset[date]


@lru_cache(maxsize=128)
def _year_rules(year: int) -> _YearRules:
    """The library's public holidays and swapped working weekend days of one year."""
    rules = holidays.Vietnam(years=year)
    return _YearRules(
        holidays=frozenset(rules),
        working_weekend_days=frozenset(d for d in rules.weekend_workdays if d.year == year),
    )


def public_holidays(year: int) -> dict[date, str]:
    """The library's Vietnamese public holidays of a year, with their names (for the admin
    and the tests: what an admin need not enter)."""
    return dict(holidays.Vietnam(years=year))


@dataclass(frozen=True)
class WorkingCalendar:
    """A calendar: the admin's days (date → ``DayKind``), office hours and time zone. Pure:
    the module functions use the current one (``current_calendar``)."""

    overrides: Mapping[date, str]
    office_hours: OfficeHours
    zone: ZoneInfo

    def is_working_day(self, day: date) -> bool:
        """A working day: the admin's word, else the library's swapped days, weekdays, holidays."""
        if day in self.overrides:
            return self.overrides[day] == DayKind.WORKING_DAY
        rules = _year_rules(day.year)
        if day in rules.working_weekend_days:
            return True
        return day.weekday() < 5 and day not in rules.holidays

    def next_working_day(self, day: date) -> date:
        """The first working day after ``day``."""
        for offset in range(1, MAX_DAYS_SEARCHED):
            candidate = day + timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        raise ValueError(f"No working day within {MAX_DAYS_SEARCHED} days after {day}.")

    def office_intervals(self, day: date) -> list[tuple[datetime, datetime]]:
        """The office hours of ``day`` as aware instants (none on a day off)."""
        if not self.is_working_day(day):
            return []
        return [
            (datetime.combine(day, start, self.zone), datetime.combine(day, end, self.zone))
            for start, end in self.office_hours
        ]

    def _local(self, instant: datetime) -> datetime:
        if instant.tzinfo is None:
            raise ValueError("The working calendar needs aware datetimes.")
        return instant.astimezone(self.zone)

    def working_seconds_between(self, start: datetime, end: datetime) -> int:
        """Office seconds from ``start`` to ``end`` (0 when ``end`` is not after it)."""
        start, end = self._local(start), self._local(end)
        total = timedelta()
        day = start.date()
        while day <= end.date():
            for opens, closes in self.office_intervals(day):
                overlap = min(closes, end) - max(opens, start)
                if overlap > timedelta():
                    total += overlap
            day += timedelta(days=1)
        return int(total.total_seconds())

    def add_working_seconds(self, start: datetime, seconds: int) -> datetime:
        """The instant ``seconds`` of office time after ``start`` (ending at a closing time
        rather than the next opening when it fills the interval exactly)."""
        if seconds < 0:
            raise ValueError("Working time is added, never taken away.")
        cursor = self._local(start)
        if seconds == 0:
            return cursor
        remaining = timedelta(seconds=seconds)
        day = cursor.date()
        for _ in range(MAX_DAYS_SEARCHED):
            for opens, closes in self.office_intervals(day):
                if closes <= cursor:
                    continue
                begins = max(opens, cursor)
                if remaining <= closes - begins:
                    return begins + remaining
                remaining -= closes - begins
            day += timedelta(days=1)
        raise ValueError(f"No office time within {MAX_DAYS_SEARCHED} days after {start}.")

    def receipt_day(self, received_at: datetime) -> date:
        """The working day a report counts as received on (after 15:00 or on a day off: the
        next working day)."""
        local = self._local(received_at)
        if self.is_working_day(local.date()) and local.time() < LATE_RECEIPT_AFTER:
            return local.date()
        return self.next_working_day(local.date())

    def add_working_time(self, start: datetime, amount: int, unit: str) -> datetime:
        """The deadline ``amount`` units after ``start`` (see the module for each unit)."""
        if amount < 0:
            raise ValueError("A deadline's amount is not negative.")
        if unit == HOURS:
            return self._local(start) + timedelta(hours=amount)
        if unit == WORKING_HOURS:
            return self.add_working_seconds(start, amount * 3600)
        if unit == WORKING_DAYS:
            day = self.receipt_day(start)
            for _ in range(amount):
                day = self.next_working_day(day)
            return datetime.combine(day, self.office_hours[-1][1], self.zone)
        raise ValueError(f"Unknown deadline unit {unit!r}; use one of {', '.join(UNITS)}.")


# The current calendar of this process with the state of the admin's table and settings it
# was read at, as one tuple (replaced whole, so threads never see half of it).
_current: dict[str, tuple | None] = {"state": None}

# The state of the admin's days a calendar is read at: (count, latest change). A statement
# that relied on this process's calendar (``held``) checks it in its own round trip, as a
# report's does (feedback/sql/submit_report.sql).
STATE_SQL = "SELECT count(d.id), max(d.updated_at) FROM workdays_calendarday AS d"


def _forget(**kwargs) -> None:
    _current["state"] = None


post_save.connect(_forget, sender=CalendarDay, dispatch_uid="workdays.calendar.saved")
post_delete.connect(_forget, sender=CalendarDay, dispatch_uid="workdays.calendar.deleted")


def _settings_key() -> tuple[str, str]:
    return settings.COMMONMAP["OFFICE_HOURS"], settings.TIME_ZONE


def _read() -> tuple[WorkingCalendar, tuple[int, datetime | None]]:
    with connection.cursor() as cursor:
        cursor.execute(STATE_SQL)
        count, last = cursor.fetchone()
    office_text, zone = _settings_key()
    key = (count, last, office_text, zone)
    cached = _current["state"]
    if cached is not None and cached[0] == key:
        return cached[1], (count, last)
    calendar = WorkingCalendar(
        overrides=dict(CalendarDay.objects.values_list("date", "kind")),
        office_hours=parse_office_hours(office_text),
        zone=ZoneInfo(zone),
    )
    _current["state"] = (key, calendar)
    return calendar, (count, last)


def current_calendar() -> WorkingCalendar:
    """The city's calendar now: read again when the admin's days or the settings changed."""
    return _read()[0]


def held(*, reload: bool = False) -> tuple[WorkingCalendar, tuple[int, datetime | None]]:
    """This process's calendar and the state of the admin's days (``STATE_SQL``) it was
    read at: without a query when one is held for the current settings, else (or when
    ``reload``) checked and read as ``current_calendar`` does. The caller checks that
    state where it writes, and calls again with ``reload`` when it moved."""
    cached = _current["state"]
    if not reload and cached is not None:
        (count, last, *read_with), calendar = cached
        if tuple(read_with) == _settings_key():
            return calendar, (count, last)
    return _read()


def is_working_day(day: date) -> bool:
    """Whether ``day`` is a working day on the city's calendar."""
    return current_calendar().is_working_day(day)


def add_working_time(start: datetime, amount: int, unit: str) -> datetime:
    """The deadline ``amount`` hours, working hours or working days after ``start``."""
    return current_calendar().add_working_time(start, amount, unit)


def working_seconds_between(start: datetime, end: datetime) -> int:
    """Office seconds between two instants on the city's calendar."""
    return current_calendar().working_seconds_between(start, end)


def add_working_seconds(start: datetime, seconds: int) -> datetime:
    """The instant ``seconds`` of office time after ``start`` on the city's calendar."""
    return current_calendar().add_working_seconds(start, seconds)
