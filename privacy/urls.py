"""URLs of the privacy API (mounted at /api/v1/privacy/)."""

from django.urls import path

from privacy import api

urlpatterns = [
    path("notice/", api.Notice.as_view(), name="privacy-notice"),
    path("requests/", api.Requests.as_view(), name="privacy-requests"),
    path("requests/<int:request_id>/decision/", api.Decision.as_view(), name="privacy-decision"),
    path("contact-accesses/", api.ContactAccesses.as_view(), name="privacy-contact-accesses"),
]
