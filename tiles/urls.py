"""URLs of the tiles app (mounted at /tiles/)."""

from django.urls import path, re_path, register_converter

from tiles import paths, raster_views, views

register_converter(paths.TileNumberConverter, "tile")

urlpatterns = [
    path("style.json", views.style, name="tiles-style"),
    path("<str:layers>.json", views.tilejson, name="tiles-tilejson"),
    path(
        "raster/<str:layers>/<tile:z>/<tile:x>/<tile:y>.png",
        raster_views.raster_tile,
        name="tiles-raster",
    ),
    path("<str:layers>/<tile:z>/<tile:x>/<tile:y>.mvt", views.tile, name="tiles-tile"),
    # Not a tile, but answered in JSON all the same: a bad number is a 400, the rest 404.
    path("raster/<str:layers>/<str:z>/<str:x>/<str:y>.png", paths.bad_tile),
    path("<str:layers>/<str:z>/<str:x>/<str:y>.mvt", paths.bad_tile),
    re_path(r"^(?P<rest>.*)$", paths.unknown_path),
]
