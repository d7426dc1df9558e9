"""The web pages: a map of the city's wards with "which ward is this?" on click, and the
residents' reports on it."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from feedback.models import Status


@require_GET
def map_page(request):
    """The public map page."""
    return render(request, "geoportal/map.html", {"feedback_statuses": Status.choices})
