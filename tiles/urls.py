"""URLs of the tiles app (mounted at /tiles/)."""

from django.urls import path

from tiles import views

urlpatterns = [
    path("style.json", views.style, name="tiles-style"),
    path("<str:layers>.json", views.tilejson, name="tiles-tilejson"),
    path("<str:layers>/<int:z>/<int:x>/<int:y>.mvt", views.tile, name="tiles-tile"),
]
