"""URLs of the ratings API (under /api/v1/ratings/)."""

from django.urls import path

from ratings import api

urlpatterns = [
    path("", api.RateWard.as_view(), name="ratings-rate"),
    path("aspects/", api.AspectList.as_view(), name="ratings-aspects"),
    path("wards/", api.WardSatisfaction.as_view(), name="ratings-wards"),
    path("wards/<str:code>/comments/", api.WardComments.as_view(), name="ratings-comments"),
    path(
        "comments/<int:rating_id>/approve",
        api.ModerateComment.as_view(action="approve"),
        name="ratings-comment-approve",
    ),
    path(
        "comments/<int:rating_id>/hide",
        api.ModerateComment.as_view(action="hide"),
        name="ratings-comment-hide",
    ),
]
