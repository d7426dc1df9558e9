"""Open311 URLs (mounted at /open311/): the discovery document and GeoReport v2 under v2/;
``.json`` or ``.xml`` on each."""

from django.urls import path, register_converter

from feedback.open311 import views
from feedback.open311.render import FORMATS


class FormatConverter:
    """``json`` or ``xml``; anything else is the 404 of an unknown path."""

    regex = "|".join(FORMATS)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "fmt")

urlpatterns = [
    path("discovery.<fmt:fmt>", views.discovery, name="open311-discovery"),
    path("v2/services.<fmt:fmt>", views.services, name="open311-services"),
    path("v2/services/<str:code>.<fmt:fmt>", views.service_definition, name="open311-service"),
    path("v2/requests.<fmt:fmt>", views.requests, name="open311-requests"),
    path("v2/requests/<str:request_id>.<fmt:fmt>", views.request_detail, name="open311-request"),
    path("v2/tokens/<str:token_id>.<fmt:fmt>", views.token, name="open311-token"),
]
