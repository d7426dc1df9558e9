"""The "ward_satisfaction" layer, declared once: the wards with this period's satisfaction
in GeoJSON and in vector tiles, a choropleth paint, and its tiles forgotten on any rating."""

import gzip
import json

import mapbox_vector_tile
import pytest

from layers.registry import layers_for
from ratings.models import WardRating
from tests.ratings.conftest import EAST, INSIDE, MIDDLE, WEST, file_ratings
from tests.tiles.xyz import tile_of

pytestmark = pytest.mark.django_db

SLUG = "ward_satisfaction"
FEATURES = f"/api/v1/layers/{SLUG}/features/"


@pytest.fixture
def rated(world, periods):
    """Middle: 30 ratings (enough at the default sample), mean 4.5; West: 2 ratings."""
    current = periods["current"]
    file_ratings(world[MIDDLE], current, [5] * 15 + [4] * 15)
    file_ratings(world[WEST], current, [1, 2])
    file_ratings(world[EAST], periods["past"], [5] * 40)  # another period: not shown
    return current


def _properties(client) -> dict[str, dict]:
    response = client.get(FEATURES)
    assert response.status_code == 200, response.content
    body = response.json()
    return {f["properties"]["code"]: f for f in body["features"]}


def test_geojson_has_every_ward_with_this_periods_figures(client, rated):
    features = _properties(client)
    assert set(features) == {WEST, MIDDLE, EAST}
    middle = features[MIDDLE]
    assert middle["geometry"]["type"] == "MultiPolygon"
    props = middle["properties"]
    assert (props["count"], props["mean"], props["enough"], props["rank"]) == (30, 4.5, True, 1)
    city = (135 + 3) / 32
    assert props["score"] == pytest.approx((30 * city + 135) / 60, abs=1e-4)
    assert props["band"] == "4"
    assert props["period"] == rated.label


def test_wards_with_too_few_or_no_ratings_have_no_score(client, rated):
    features = _properties(client)
    west, east = features[WEST]["properties"], features[EAST]["properties"]
    assert (west["count"], west["mean"], west["enough"], west["score"]) == (2, 1.5, False, None)
    assert (east["count"], east["mean"], east["score"], east["band"]) == (
        0,
        None,
        None,
        "not_enough",
    )


def test_no_resident_key_in_the_layer(client, rated):
    text = client.get(FEATURES).content.decode()
    assert WardRating.objects.first().resident_key not in text
    assert "resident" not in text


def _tile_features(client, lon: float, lat: float) -> dict[str, dict]:
    x, y = tile_of(lon, lat, 14)
    response = client.get(f"/tiles/{SLUG}/14/{x}/{y}.mvt")
    assert response.status_code == 200, response.content
    data = response.content
    if response.get("Content-Encoding") == "gzip":
        data = gzip.decompress(data)
    layer = mapbox_vector_tile.decode(data)[SLUG]
    return {f["properties"]["code"]: f["properties"] for f in layer["features"]}


def test_a_vector_tile_carries_the_figures(client, rated):
    props = _tile_features(client, *INSIDE[MIDDLE])[MIDDLE]
    assert props["count"] == 30 and props["enough"] is True and props["band"] == "4"


def test_a_new_rating_forgets_the_cached_tiles(client, world, periods):
    assert _tile_features(client, *INSIDE[WEST])[WEST]["count"] == 0
    file_ratings(world[WEST], periods["current"], [3])
    assert _tile_features(client, *INSIDE[WEST])[WEST]["count"] == 1


def test_the_paint_is_a_choropleth_by_band():
    (spec,) = [s for s in layers_for(None) if s.slug == SLUG]
    assert spec.paint.key == "band"
    colours = {v.value: v.colour for v in spec.paint.values}
    assert colours["1"] == "#d7191c" and colours["5"] == "#1a9641"
    assert "not_enough" in colours


def test_the_style_fills_the_wards_by_band(client):
    style = client.get("/tiles/style.json").json()
    (fill,) = [layer for layer in style["layers"] if layer["id"] == f"{SLUG}-fill"]
    colour = json.dumps(fill["paint"]["fill-color"])
    assert '"band"' in colour and "#1a9641" in colour and "#d7191c" in colour
