"""Property names and values no SQL may trip over: an imported layer's attribute names come
from its file, and a declared layer's parameter values may hold anything. Each is a literal
in a statement composed whole (layers/features.py), never a placeholder or SQL text. And a
layer of more properties than one SQL function call takes."""

import json
from dataclasses import replace

import pytest
from django.contrib.gis.geos import Point

from layers import features
from layers.layer_specs import imported_spec
from layers.models import Feature, Layer
from tests.layers.hostile import BEN_THANH, NAMES, ODD_VALUE, make_odd_layer
from tests.tiles.mvt_client import decode, fetch
from tests.tiles.xyz import tile_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def odd_layer() -> Layer:
    """The layer of hostile names, three features, the first holding ODD_VALUE."""
    return make_odd_layer()


def _body(response) -> dict:
    assert response.status_code == 200, response.content
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return json.loads(content)


def test_geojson_carries_every_hostile_name_and_value(client, odd_layer):
    body = _body(client.get("/api/v1/layers/ten-la/features/", {"ordering": NAMES[0]}))
    first = body["features"][0]["properties"]
    assert first == {name: ODD_VALUE for name in NAMES}
    assert body["count"] == 3


@pytest.mark.parametrize("name", NAMES)
def test_filter_on_a_hostile_name_by_a_hostile_value(client, odd_layer, name):
    url = "/api/v1/layers/ten-la/features/"
    body = _body(client.get(url, {name: ODD_VALUE}))
    assert [f["properties"][name] for f in body["features"]] == [ODD_VALUE]
    assert _body(client.get(url, {name: "b,c"}))["count"] == 2


@pytest.mark.parametrize("name", NAMES)
def test_sort_by_a_hostile_name(client, odd_layer, name):
    body = _body(client.get("/ogc/collections/ten-la/items", {"sortby": f"-{name}"}))
    assert [f["properties"][name] for f in body["features"]] == ["c", "b", ODD_VALUE]


def test_search_for_a_percent_and_braces_finds_the_one_name_holding_them(client, odd_layer):
    url = "/api/v1/layers/ten-la/features/"
    assert _body(client.get(url, {"q": "50% {x}"}))["count"] == 1
    assert _body(client.get(url, {"q": "%(z)s"}))["count"] == 1
    assert _body(client.get(url, {"q": "{y}"}))["count"] == 0


def test_ogc_items_and_one_feature_carry_hostile_names(client, odd_layer):
    body = _body(client.get("/ogc/collections/ten-la/items", {"limit": "2"}))
    assert body["numberMatched"] == 3
    feature_id = body["features"][0]["id"]
    one = _body(client.get(f"/ogc/collections/ten-la/items/{feature_id}"))
    assert set(one["properties"]) == set(NAMES)


def test_a_specs_parameter_values_are_literals_not_sql(odd_layer):
    """Values of ``params`` reach the database as they are, whatever they hold; each layer
    part names them ``{name}``."""
    spec = imported_spec(odd_layer)
    hostile = replace(
        spec,
        where_sql="t.layer_id = {layer_id} AND t.name <> {odd}",
        params={"layer_id": odd_layer.id, "odd": ODD_VALUE},
    )
    query = features.FeatureQuery(fields=hostile.fields)
    assert features.count(hostile, query) == 2
    statement, params = features.feature_sql(hostile, query)
    assert params is None
    texts = features.fetch_all(statement, params)
    assert sorted(json.loads(t)["properties"][NAMES[0]] for t in texts) == ["b", "c"]


def test_a_brace_of_a_declared_fragment_is_written_twice(odd_layer):
    spec = imported_spec(odd_layer)
    braced = replace(spec, where_sql="t.layer_id = {layer_id} AND '{{}}'::jsonb = '{{}}'")
    assert features.count(braced, features.FeatureQuery(fields=())) == 3


def test_more_properties_than_one_sql_call_takes_are_all_served(client):
    """json_build_object takes 100 arguments: 120 properties are built in chunks of 50
    pairs, in GeoJSON and in vector tiles alike."""
    names = [f"cot_{i}%" for i in range(120)]
    layer = Layer.objects.create(
        slug="rong",
        title="Rộng",
        geometry_type="Point",
        attribute_schema=[{"name": name, "type": "integer"} for name in names],
    )
    Feature.objects.create(
        layer=layer,
        geom=Point(*BEN_THANH, srid=4326),
        attributes={name: i for i, name in enumerate(names)},
    )
    (feature,) = _body(client.get("/api/v1/layers/rong/features/"))["features"]
    assert feature["properties"] == {name: i for i, name in enumerate(names)}
    x, y = tile_of(*BEN_THANH, 16)
    (tiled,) = decode(fetch(client, "rong", 16, x, y))["rong"]["features"]
    assert tiled["properties"] == {name: i for i, name in enumerate(names)}
