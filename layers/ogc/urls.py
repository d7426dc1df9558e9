"""URLs of OGC API - Features (mounted at /ogc/, namespace ``ogc``)."""

from django.urls import path

from layers.ogc import views

app_name = "ogc"

urlpatterns = [
    path("", views.LandingPage.as_view(), name="landing"),
    path("conformance", views.Conformance.as_view(), name="conformance"),
    path("api", views.ApiDefinition.as_view(), name="api"),
    path("collections", views.Collections.as_view(), name="collections"),
    path("collections/<str:collection_id>", views.Collection.as_view(), name="collection"),
    path("collections/<str:collection_id>/items", views.Items.as_view(), name="items"),
    path(
        "collections/<str:collection_id>/items/<str:feature_id>",
        views.Item.as_view(),
        name="item",
    ),
]
