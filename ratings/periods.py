"""Rating periods: a calendar month (or quarter: ``COMMONMAP["RATING_PERIOD"]``) in the
city's time zone. A period is named by its first day; a rating belongs to the period of the
day it is sent, and to the boundary generation valid on the period's first day."""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import InvalidParameter

PERIOD_LENGTHS = ("month", "quarter")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


def period_length() -> str:
    """``month`` or ``quarter``, from the settings."""
    return settings.COMMONMAP.get("RATING_PERIOD", "month")


@dataclass(frozen=True)
class Period:
    """One rating period: ``start`` and ``end`` (both inclusive days)."""

    start: date
    end: date

    @property
    def label(self) -> str:
        """``2026-11`` for a month, ``2026-Q4`` for a quarter."""
        if self.end.month == self.start.month:
            return f"{self.start:%Y-%m}"
        return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"

    def as_dict(self) -> dict:
        """The period in an API answer."""
        return {"label": self.label, "start": self.start, "end": self.end}


def _months_later(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_of(day: date, length: str | None = None) -> Period:
    """The period holding ``day``."""
    length = length or period_length()
    months = 3 if length == "quarter" else 1
    first_month = day.month if months == 1 else (day.month - 1) // 3 * 3 + 1
    start = date(day.year, first_month, 1)
    return Period(start, _months_later(start, months) - timedelta(days=1))


def current_period(now: datetime | None = None) -> Period:
    """The period of now, in the city's time zone."""
    return period_of(timezone.localdate(now or timezone.now()))


def parse_period(raw: str | None, name: str = "period") -> Period:
    """``YYYY-MM`` (the period holding that month) or ``YYYY-Qn``; absent: the current one."""
    if not raw:
        return current_period()
    month = _MONTH.match(raw)
    quarter = _QUARTER.match(raw)
    try:
        if month:
            return period_of(date(int(month[1]), int(month[2]), 1))
        if quarter:
            return period_of(date(int(quarter[1]), int(quarter[2]) * 3 - 2, 1))
    except ValueError:
        pass
    raise InvalidParameter(
        _("'{name}' must be a month (YYYY-MM) or a quarter (YYYY-Qn), got {raw}.").format(
            name=name, raw=repr(raw)
        ),
        parameter=name,
    )
