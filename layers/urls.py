"""URLs of the layers API (mounted at /api/v1/)."""

from django.urls import path

from layers import feature_views, views

urlpatterns = [
    path("areas/", views.AreaList.as_view(), name="area-list"),
    path("areas/<str:code>/", views.AreaDetail.as_view(), name="area-detail"),
    path("lookup/", views.Lookup.as_view(), name="lookup"),
    path("generations/", views.GenerationList.as_view(), name="generation-list"),
    path("layers/", feature_views.LayerList.as_view(), name="layer-list"),
    path("layers/<slug:slug>/", feature_views.LayerDetail.as_view(), name="layer-detail"),
    path(
        "layers/<slug:slug>/features/",
        feature_views.FeatureList.as_view(),
        name="feature-list",
    ),
    path(
        "layers/<slug:slug>/features/<str:feature_id>/",
        feature_views.FeatureDetail.as_view(),
        name="feature-detail",
    ),
    path(
        "layers/<slug:slug>/export/", feature_views.FeatureExport.as_view(), name="feature-export"
    ),
]
