"""Tiles of a layer whose attribute names and values are hostile to SQL built by hand
(tests/layers/hostile.py): vector tiles with points and with counted cells, from the
point-count pyramid and from the tile's own points, and raster tiles."""

import io
from dataclasses import replace

import mapbox_vector_tile
import pytest
from django.db import connection
from PIL import Image

from layers.layer_specs import imported_spec
from tests.layers.hostile import BEN_THANH, NAMES, ODD_VALUE, make_odd_layer
from tests.tiles.mvt_client import decode, fetch
from tests.tiles.xyz import tile_of
from tiles import mvt, raster

pytestmark = pytest.mark.django_db

SLUG = "ten-la"


def _counts_per_value(features: list[dict]) -> dict[str, int]:
    """The count_<name>_<value> properties of the cells, summed over the cells."""
    totals: dict[str, int] = {}
    for feature in features:
        assert feature["properties"]["cluster"] is True
        for key, value in feature["properties"].items():
            if key.startswith("count_"):
                totals[key] = totals.get(key, 0) + value
    return totals


EXPECTED_COUNTS = {f"count_{name}_{value}": 1 for name in NAMES for value in (ODD_VALUE, "b", "c")}


def test_vector_tile_carries_hostile_names_and_values(client):
    make_odd_layer()
    x, y = tile_of(*BEN_THANH, 16)
    features = decode(fetch(client, SLUG, 16, x, y))[SLUG]["features"]
    assert len(features) == 3
    assert {name: ODD_VALUE for name in NAMES} in [f["properties"] for f in features]


def test_pyramid_cells_count_per_value_of_hostile_attributes(client):
    make_odd_layer(cluster_attributes=list(NAMES))
    x, y = tile_of(*BEN_THANH, 10)
    cells = decode(fetch(client, SLUG, 10, x, y))[SLUG]["features"]
    assert sum(cell["properties"]["count"] for cell in cells) == 3
    assert _counts_per_value(cells) == EXPECTED_COUNTS


def test_grid_cells_count_per_value_of_hostile_attributes():
    """The same counts when the cells are counted from the tile's points (no pyramid)."""
    spec = replace(
        imported_spec(make_odd_layer()), cluster_source="grid", group_by=", ".join(NAMES)
    )
    x, y = tile_of(*BEN_THANH, 10)
    with connection.cursor() as cursor:
        cursor.execute(mvt.tile_sql([spec], 10, x, y))
        raw, _snapshot = cursor.fetchone()
    cells = mapbox_vector_tile.decode(bytes(raw))[SLUG]["features"]
    assert _counts_per_value(cells) == EXPECTED_COUNTS


def test_raster_tile_draws_the_layer_of_hostile_names():
    spec = imported_spec(make_odd_layer())
    x, y = tile_of(*BEN_THANH, 16)
    image = Image.open(io.BytesIO(raster.render_tile([spec], False, 16, x, y)))
    assert image.mode == "RGBA"
    assert image.getchannel("A").getbbox() is not None  # something drawn, not all clear
