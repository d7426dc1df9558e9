"""The web pages: a map of the city's wards with "which ward is this?" on click."""

from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def map_page(request):
    """The public map page."""
    return render(request, "geoportal/map.html")
