"""URLs of the feedback API (mounted at /api/v1/feedback/)."""

from django.urls import path

from feedback import api

urlpatterns = [
    path("categories/", api.CategoryList.as_view(), name="feedback-categories"),
    path("items/", api.ItemList.as_view(), name="feedback-items"),
    path("items/<str:code>/", api.ItemDetail.as_view(), name="feedback-item"),
    path("items/<str:code>/transitions/", api.Transitions.as_view(), name="feedback-transitions"),
    path("items/<str:code>/rating/", api.Rating.as_view(), name="feedback-rating"),
    path(
        "items/<str:code>/verification/",
        api.Verification.as_view(),
        name="feedback-verification",
    ),
    path("items/<str:code>/photos/<int:position>", api.photo, name="feedback-photo"),
    path("track/<str:code>/", api.Track.as_view(), name="feedback-track"),
    path("duplicates/", api.Duplicates.as_view(), name="feedback-duplicates"),
    path("places/", api.Places.as_view(), name="feedback-places"),
]
