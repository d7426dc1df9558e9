"""The leaders' dashboard page (``/dashboard/``): a choropleth, a ranked table and a trend
chart over the dashboard API (``/api/v1/dashboard/``), which it only reads.

Anonymous visitors are sent to the staff sign-in page (``next`` back here); signed-in
people the API lets see nothing get a 403 page pointing to the public open data. The API
decides the rest (leaders every ward, ward staff their own); the page only hides what ward
staff may not ask for (the former wards).
"""

from typing import NamedTuple

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from core.errors import Forbidden
from dashboard.access import scope_for
from dashboard.groups import current_generation
from dashboard.shapes import public_min_count
from layers.models import BoundaryGeneration


class MeasureChoice(NamedTuple):
    """A measure the page offers: its API name, its label, which way is better ("higher",
    "lower", or "" for plain counts, ranked highest first) and the count it rests on (a
    ward whose base count is under the minimum sample is "not enough data")."""

    name: str
    label: Promise
    better: str
    base: str


MEASURE_CHOICES = (
    MeasureChoice("on_time_pct", _("Resolved on time (%)"), "higher", "resolved"),
    MeasureChoice("received", _("Feedback received"), "", ""),
    MeasureChoice("resolved", _("Feedback resolved"), "", ""),
    MeasureChoice("resolved_on_time", _("Resolved on time"), "", ""),
    MeasureChoice("median_hours", _("Median hours to resolve"), "lower", "resolved"),
    MeasureChoice("p90_hours", _("90th percentile of hours to resolve"), "lower", "resolved"),
    MeasureChoice("open_now", _("Open at the period's end"), "lower", ""),
    MeasureChoice("overdue_now", _("Overdue at the period's end"), "lower", ""),
    MeasureChoice("reopened", _("Reopened"), "lower", ""),
    MeasureChoice("ratings", _("Ratings of resolutions"), "", ""),
    MeasureChoice("mean_rating", _("Mean rating of resolutions"), "higher", "ratings"),
    MeasureChoice(
        "satisfaction_mean", _("Ward satisfaction (mean rating)"), "higher", "satisfaction_count"
    ),
    MeasureChoice("satisfaction_count", _("Ward ratings"), "", ""),
    MeasureChoice("survey_answers", _("Survey answers"), "", ""),
    MeasureChoice(
        "verification_rate", _("Resolutions verified by residents (%)"), "higher", "resolved"
    ),
    MeasureChoice("confirmed", _("Resolutions confirmed by residents"), "", ""),
    MeasureChoice("disputed", _("Resolutions disputed by residents"), "lower", ""),
    MeasureChoice("repeats", _("Repeats of a recent resolution"), "lower", ""),
)


def former_generation(current: BoundaryGeneration) -> BoundaryGeneration | None:
    """The generation that ended when ``current`` began (the former wards), if any."""
    return (
        BoundaryGeneration.objects.filter(valid_from__lt=current.valid_from)
        .order_by("-valid_from")
        .first()
    )


@require_GET
def dashboard_page(request: HttpRequest) -> HttpResponse:
    """The dashboard page for leaders and ward staff."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        scope = scope_for(request.user)
    except Forbidden:
        return render(request, "dashboard/forbidden.html", {"nav": "dashboard"}, status=403)
    current = current_generation()
    former = former_generation(current) if scope.everything else None
    today = timezone.localdate()
    context = {
        "everything": scope.everything,
        "current": current,
        "former": former,
        "this_month": f"{today.year:04d}-{today.month:02d}",
        "min_sample": public_min_count(),
        "api_url": reverse("dashboard"),
        "measures": MEASURE_CHOICES,
        "nav": "dashboard",
    }
    return render(request, "dashboard/page.html", context)
