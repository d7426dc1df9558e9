"""The admin of the city's calendar: the days off and working days the government announces."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from workdays.models import CalendarDay

CALENDAR_HELP = _(
    "Weekends and Vietnamese public holidays (lunar Tết and Hùng Kings included) are known "
    "already. Enter here only what the government announces each year: compensatory days off "
    "and swapped days (a day off taken on a weekday, and the Saturday or Sunday worked "
    "instead). Deadlines in working days and hours are counted on this calendar."
)


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """Announced days off and swapped working days, by date."""

    list_display = ("date", "kind", "name_vi", "name_en")
    list_filter = ("kind",)
    search_fields = ("name_vi", "name_en", "note")
    date_hierarchy = "date"
    fields = ("date", "kind", "name_vi", "name_en", "note")

    def changelist_view(self, request, extra_context=None):
        """The list, with the help text saying what belongs here."""
        extra_context = {**(extra_context or {}), "subtitle": CALENDAR_HELP}
        return super().changelist_view(request, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        """The form, with the help text on the kind of day."""
        kwargs.setdefault("help_texts", {"kind": CALENDAR_HELP})
        return super().get_form(request, obj, change, **kwargs)
