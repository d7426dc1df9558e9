"""Top-level URLs: the map page, the APIs, their OpenAPI schema and docs, health."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from dashboard import pages as dashboard_pages
from feedback import pages as feedback_pages
from geoportal import health, pages
from layers.ogc.views import LandingPage
from logins.forms import throttled_login

urlpatterns = [
    path("", pages.map_page, name="map"),
    path("healthz", health.healthz, name="healthz"),
    path("dashboard/", dashboard_pages.dashboard_page, name="dashboard-page"),
    path("workspace/", include("workspace.urls")),
    # Staff sign in here (throttled like HTTP Basic); residents need no account.
    path(
        "signin/",
        throttled_login(
            auth_views.LoginView.as_view(
                template_name="geoportal/signin.html", redirect_authenticated_user=True
            )
        ),
        name="signin",
    ),
    path("signout/", auth_views.LogoutView.as_view(next_page="map"), name="signout"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Browsers ask for it on pages that name no icon (the admin's): not a 404 in their console.
    path("favicon.ico", RedirectView.as_view(url=static("geoportal/favicon.svg"), permanent=True)),
    path("track/", feedback_pages.track_form, name="track-form"),
    path("track/<str:code>/", feedback_pages.track_page, name="track-page"),
    path("track/<path:code>/", feedback_pages.track_page),  # a slash: 400, not Django's 404
    path("api/v1/", include("layers.urls")),
    path("api/v1/", include("importers.urls")),
    path("api/v1/feedback/", include("feedback.urls")),
    path("api/v1/residents/", include("residents.urls")),
    path("api/v1/ratings/", include("ratings.urls")),
    path("api/v1/surveys/", include("surveys.urls")),
    path("api/v1/notices/", include("notices.urls")),
    path("api/v1/dashboard/", include("dashboard.urls")),
    path("api/v1/notifications/", include("notifications.urls")),
    path("api/v1/privacy/", include("privacy.urls")),
    path("open311/", include("feedback.open311.urls")),
    # QGIS and GDAL do not follow a redirect to the slash: the landing page answers here too.
    path("ogc", LandingPage.as_view(), name="ogc-landing"),
    path("ogc/", include("layers.ogc.urls")),
    path("tiles/", include("tiles.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's set-up as a script of its own: no inline script, so
    # the Content-Security-Policy needs no exception for it.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
    # The admin's sign-in form, throttled like HTTP Basic (before the admin's own URLs).
    path("admin/login/", throttled_login(admin.site.login)),
    path("admin/", admin.site.urls),
]

# A path no URL matches: JSON under the APIs, the usual page elsewhere.
handler404 = "core.errors.not_found"
