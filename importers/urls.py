"""URLs of the upload API (mounted at /api/v1/)."""

from django.urls import path

from importers import views

urlpatterns = [
    path("imports/", views.ImportList.as_view(), name="import-list"),
    path("imports/<uuid:job_id>/", views.ImportDetail.as_view(), name="import-detail"),
    path("imports/<uuid:job_id>/confirm/", views.ImportConfirm.as_view(), name="import-confirm"),
]
