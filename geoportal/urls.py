"""Top-level URLs: the map page, the APIs, their OpenAPI schema and docs, health."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from feedback import pages as feedback_pages
from geoportal import health, pages

urlpatterns = [
    path("", pages.map_page, name="map"),
    path("healthz", health.healthz, name="healthz"),
    path("track/", feedback_pages.track_form, name="track-form"),
    path("track/<str:code>/", feedback_pages.track_page, name="track-page"),
    path("api/v1/", include("layers.urls")),
    path("api/v1/", include("importers.urls")),
    path("api/v1/feedback/", include("feedback.urls")),
    path("open311/", include("feedback.open311.urls")),
    path("ogc/", include("layers.ogc.urls")),
    path("tiles/", include("tiles.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
    path("admin/", admin.site.urls),
]
