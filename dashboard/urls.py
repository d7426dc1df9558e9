"""URLs of the dashboard API (under /api/v1/dashboard/)."""

from django.urls import path

from dashboard import api

urlpatterns = [
    path("", api.LeadersDashboard.as_view(), name="dashboard"),
    path("public/", api.PublicDashboard.as_view(), name="dashboard-public"),
]
