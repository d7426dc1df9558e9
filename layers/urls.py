"""URLs of the layers API (mounted at /api/v1/)."""

from django.urls import path

from layers import views

urlpatterns = [
    path("areas/", views.AreaList.as_view(), name="area-list"),
    path("areas/<str:code>/", views.AreaDetail.as_view(), name="area-detail"),
    path("lookup/", views.Lookup.as_view(), name="lookup"),
    path("generations/", views.GenerationList.as_view(), name="generation-list"),
]
