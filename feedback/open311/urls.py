"""Open311 GeoReport v2 URLs (mounted at /open311/v2/); ``.json`` or ``.xml`` on each."""

from django.urls import path, register_converter

from feedback.open311 import views


class FormatConverter:
    """``json`` or ``xml``; anything else is the 404 of an unknown path."""

    regex = "json|xml"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "fmt")

urlpatterns = [
    path("services.<fmt:fmt>", views.services, name="open311-services"),
    path("services/<str:code>.<fmt:fmt>", views.service_definition, name="open311-service"),
    path("requests.<fmt:fmt>", views.requests, name="open311-requests"),
    path("requests/<str:request_id>.<fmt:fmt>", views.request_detail, name="open311-request"),
    path("tokens/<str:token_id>.<fmt:fmt>", views.token, name="open311-token"),
]
