"""The test app's layer (tests/layerapp/layers.py), declared once, in every tile output:
vector tiles and their invalidation on write, TileJSON, the style, raster tiles (in its
colour) and MapProxy's configuration. Its APIs and admin: tests/layers/test_layer_app.py."""

import gzip
import io
from datetime import UTC, datetime

import mapbox_vector_tile
import pytest
from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import connection
from django.test import Client
from PIL import Image

from layers.registry import layers_for
from layers.spec import hex_rgb
from tests.layerapp.layers import NOISE_COLOUR
from tests.layerapp.models import NoiseReading
from tests.tiles.test_raster import pixel_of
from tests.tiles.xyz import tile_of
from tiles.mapproxy import config
from tiles.models import CachedTile

pytestmark = pytest.mark.django_db

SLUG = "noise_readings"
# Out at sea, 80 km off Vũng Tàu: nothing else of the city is drawn near it.
PLACE = (107.3, 9.4)
WEB_MERCATOR_RES0 = 156543.03392804097


def _reading(lon: float, lat: float, sensor: str = "buoy-1") -> NoiseReading:
    return NoiseReading.objects.create(
        geom=Point(lon, lat, srid=4326),
        sensor=sensor,
        decibels=64.0,
        measured_at=datetime(2026, 11, 2, 8, 30, tzinfo=UTC),
        calibration_note="staff only",
    )


def _features(response) -> list[dict]:
    assert response.status_code == 200, response.content
    data = response.content
    if response.get("Content-Encoding") == "gzip":
        data = gzip.decompress(data)
    return mapbox_vector_tile.decode(data)[SLUG]["features"]


def test_vector_tile_carries_the_readings_public_properties(client):
    _reading(*PLACE)
    x, y = tile_of(*PLACE, 14)
    (feature,) = _features(client.get(f"/tiles/{SLUG}/14/{x}/{y}.mvt"))
    assert feature["properties"]["sensor"] == "buoy-1"
    assert feature["properties"]["decibels"] == 64.0
    assert "calibration_note" not in feature["properties"]


def test_a_new_reading_forgets_the_cached_tile_under_it(client):
    z = 14
    x, y = tile_of(*PLACE, z)
    url = f"/tiles/{SLUG}/{z}/{x}/{y}.mvt"
    # An empty tile is kept too (a tile made after this transaction's own write would not
    # be: tiles/cache.py).
    assert client.get(url).status_code == 204
    assert CachedTile.objects.filter(layers__contains=[SLUG], z=z, x=x, y=y).exists()
    _reading(*PLACE)  # the trigger built from the declaration fires
    assert not CachedTile.objects.filter(layers__contains=[SLUG], z=z, x=x, y=y).exists()
    assert [f["properties"]["sensor"] for f in _features(client.get(url))] == ["buoy-1"]


def test_the_cache_triggers_are_built_from_the_declaration():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'layerapp_noisereading'::regclass "
            "AND NOT tgisinternal ORDER BY 1"
        )
        names = [row[0] for row in cursor.fetchall()]
    assert names == [f"tiles_forget_layerapp_noisereading_{s}" for s in "diu"]


def test_tilejson_gives_the_declared_zooms_and_public_fields(client):
    body = client.get(f"/tiles/{SLUG}.json").json()
    (layer,) = body["vector_layers"]
    assert (layer["minzoom"], layer["maxzoom"]) == (10, 20)
    assert (body["minzoom"], body["maxzoom"]) == (10, 20)
    assert {"sensor", "decibels", "measured_at"} == set(layer["fields"])


def test_the_style_draws_the_layer_in_its_colour_within_its_zooms(client):
    style = client.get("/tiles/style.json").json()
    (drawn,) = [layer for layer in style["layers"] if layer.get("source-layer") == SLUG]
    assert drawn["type"] == "circle"
    assert drawn["paint"]["circle-color"] == NOISE_COLOUR
    assert (drawn["minzoom"], drawn["maxzoom"]) == (10, 21)  # the style's maxzoom is exclusive


def test_a_raster_tile_draws_a_reading_in_the_same_colour():
    _reading(*PLACE)
    x, y, px, py = pixel_of(*PLACE, 15)
    renderer = Client(HTTP_X_COMMONMAP_RASTER_TOKEN=settings.COMMONMAP["RASTER_TOKEN"])
    response = renderer.get(f"/tiles/raster/{SLUG}/15/{x}/{y}.png")
    assert response.status_code == 200, response.content
    image = Image.open(io.BytesIO(response.content)).convert("RGBA")
    assert image.getpixel((px, py)) == (*hex_rgb(NOISE_COLOUR), 255)


def test_mapproxy_serves_the_layer_within_its_zooms():
    conf, _seed = config.build("http://127.0.0.1:8000", layers_for(None))
    assert SLUG in [layer["name"] for layer in conf["layers"]]
    source = conf["sources"][f"{SLUG}@source"]
    assert source["url"].endswith(f"/tiles/raster/{SLUG}/%(z)s/%(x)s/%(y)s.png")
    # Zoom 10 is drawn and zoom 9 is not; zoom 20 is drawn and zoom 21 is not.
    assert WEB_MERCATOR_RES0 / 2**10 < source["min_res"] < WEB_MERCATOR_RES0 / 2**9
    assert WEB_MERCATOR_RES0 / 2**21 < source["max_res"] < WEB_MERCATOR_RES0 / 2**20
    assert "min_res" not in conf["sources"]["facilities@source"]
