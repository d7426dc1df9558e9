"""The days an admin enters on the city's calendar: announced days off and swapped working days.

The fixed rules (weekends, Vietnamese public holidays with lunar Tết and Hùng Kings, the
substituted days the holiday library knows) come from ``holidays.Vietnam``; a
``CalendarDay`` overrides them for one date, either way (``workdays.calendar``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    """What an entered date is, whatever the weekday and the holiday rules say."""

    DAY_OFF = "day_off", _("Day off")
    WORKING_DAY = "working_day", _("Working day (swapped)")


class CalendarDay(models.Model):
    """One date the government announced as a day off, or as a working day (a swapped
    Saturday or Sunday), overriding the weekend and the public-holiday rules."""

    date = models.DateField(unique=True)
    kind = models.CharField(max_length=12, choices=DayKind.choices)
    name_vi = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200, blank=True)
    note = models.TextField(
        blank=True, help_text=_("Where it was announced (e.g. the decision or notice).")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.kind}"
