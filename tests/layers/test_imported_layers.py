"""Imported layers as wholes: replaced atomically, hidden, deleted, reserved slugs."""

import json

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError

from layers.imported import replace_features
from layers.models import Feature, Layer

pytestmark = pytest.mark.django_db


@pytest.fixture
def layer() -> Layer:
    layer = Layer.objects.create(
        slug="cay-xanh",
        title="Cây xanh",
        geometry_type="Point",
        attribute_schema=[{"name": "loai", "type": "string"}, {"name": "trong", "type": "date"}],
        name_attribute="loai",
        time_attribute="trong",
    )
    replace_features(layer, [(Point(106.70, 10.77, srid=4326), {"loai": "Sao đen", "trong": ""})])
    return layer


def _ids(client) -> set:
    body = client.get("/api/v1/layers/cay-xanh/export/")
    assert body.status_code == 200

    return {
        f["properties"]["loai"] for f in json.loads(b"".join(body.streaming_content))["features"]
    }


def test_replacement_swaps_every_feature_and_fills_name_and_time(client, layer):
    before = Layer.objects.get(pk=layer.pk).updated_at
    count = replace_features(
        layer,
        [
            (Point(106.71, 10.78, srid=4326), {"loai": "Dầu  rái", "trong": "2024-05-01"}),
            (Point(106.72, 10.79, srid=4326), {"loai": "Me tây", "trong": "2023-01-02"}),
        ],
    )
    assert count == 2
    assert _ids(client) == {"Dầu  rái", "Me tây"}  # attributes kept as given
    feature = Feature.objects.get(layer=layer, attributes__loai="Dầu  rái")
    assert feature.name == "Dầu rái" and feature.name_search == "dau rai"
    assert feature.time.isoformat() == "2024-05-01T00:00:00+00:00"
    assert Layer.objects.get(pk=layer.pk).updated_at > before
    body = client.get("/api/v1/layers/cay-xanh/features/", {"q": "me tay"}).json()
    assert [f["properties"]["loai"] for f in body["features"]] == ["Me tây"]


def test_a_failed_replacement_leaves_the_old_features(client, layer):
    rows = [
        (Point(106.71, 10.78, srid=4326), {"loai": "Dầu rái", "trong": "2024-05-01"}),
        (Point(106.72, 10.79, srid=4326), {"loai": "Me tây", "trong": "hôm qua"}),
    ]
    with pytest.raises(ValueError, match="hôm qua"):
        replace_features(layer, rows)
    assert _ids(client) == {"Sao đen"}


def test_a_hidden_layer_is_served_to_nobody(client, layer):
    Layer.objects.filter(pk=layer.pk).update(is_hidden=True)
    assert client.get("/api/v1/layers/cay-xanh/features/").status_code == 404
    assert "cay-xanh" not in [x["slug"] for x in client.get("/api/v1/layers/").json()]


def test_deleting_a_layer_deletes_its_features(client, layer):
    layer.delete()
    assert not Feature.objects.filter(layer_id=layer.pk).exists()
    assert client.get("/api/v1/layers/cay-xanh/").status_code == 404


@pytest.mark.parametrize("slug", ["areas", "facilities"])
def test_built_in_slugs_are_reserved(slug):
    with pytest.raises(ValidationError, match="built-in"):
        Layer(slug=slug, title="x").full_clean()
