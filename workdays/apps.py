from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    """The city's working calendar: weekends, public holidays, announced days off and
    swapped working days; deadlines in working days and hours are counted on it."""

    name = "workdays"
    verbose_name = _("Working calendar")
    default_auto_field = "django.db.models.BigAutoField"
