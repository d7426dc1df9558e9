"""Dashboard periods: a month (``2026-11``), a quarter (``2026-Q4``) or a year (``2026``).

A period runs from local midnight of its first day (the city's time zone, ``TIME_ZONE``)
to local midnight of the day after its last, half-open: ``start <= t < end``.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import InvalidParameter

_FORMS = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<month>\d{2})|Q(?P<quarter>[1-4])))?$")


@dataclass(frozen=True)
class Period:
    """A named period and its bounds (aware datetimes, half-open); ``kind`` is "month",
    "quarter" or "year" for the periods ``parse_period`` names (None for any other span,
    which the dashboard reads the slower way)."""

    name: str
    start: datetime
    end: datetime
    kind: str | None = None

    def cutoff(self, now: datetime | None = None) -> datetime:
        """The instant "open now" and "overdue now" are read at: the period's end, or now
        while the period is still running."""
        now = now or timezone.now()
        return min(self.end, now)


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day))


def _months(year: int, first: int, count: int) -> tuple[date, date]:
    last = first + count  # the month after the period, possibly in the next year
    end = date(year + (last - 1) // 12, (last - 1) % 12 + 1, 1)
    return date(year, first, 1), end


def parse_period(text: str | None, today: date | None = None) -> Period:
    """The period named by ``text``; the current month when absent or blank.

    Refused (400 naming ``period``) unless it is ``YYYY``, ``YYYY-MM`` or ``YYYY-Qn``.
    """
    if text is None or not text.strip():
        today = today or timezone.localdate()
        text = f"{today.year:04d}-{today.month:02d}"
    text = text.strip()
    found = _FORMS.match(text)
    year = int(found["year"]) if found else 0
    if not found or not 1900 <= year <= 2999:
        raise InvalidParameter(
            _(
                "Unknown period {period}: use a year (2026), a quarter (2026-Q4) or a month "
                "(2026-11)."
            ).format(period=repr(text)),
            parameter="period",
        )
    if found["month"]:
        month = int(found["month"])
        if not 1 <= month <= 12:
            raise InvalidParameter(
                _("Unknown period {period}: a month is 01 to 12.").format(period=repr(text)),
                parameter="period",
            )
        first, end = _months(year, month, 1)
        kind = "month"
    elif found["quarter"]:
        first, end = _months(year, 3 * int(found["quarter"]) - 2, 3)
        kind = "quarter"
    else:
        first, end = _months(year, 1, 12)
        kind = "year"
    return Period(text, _midnight(first), _midnight(end), kind)
