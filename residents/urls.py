"""Residents API: ``/api/v1/residents/``."""

from django.urls import path

from residents import views

urlpatterns = [
    path("me", views.MeView.as_view(), name="residents-me"),
]
