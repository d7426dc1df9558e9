"""URLs of the tiles app (mounted at /tiles/)."""

from django.urls import path

from tiles import raster_views, views

urlpatterns = [
    path("style.json", views.style, name="tiles-style"),
    path("<str:layers>.json", views.tilejson, name="tiles-tilejson"),
    path(
        "raster/<str:layers>/<int:z>/<int:x>/<int:y>.png",
        raster_views.raster_tile,
        name="tiles-raster",
    ),
    path("<str:layers>/<int:z>/<int:x>/<int:y>.mvt", views.tile, name="tiles-tile"),
]
