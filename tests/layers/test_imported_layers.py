"""Imported layers as wholes: hidden, deleted, reserved slugs (the importer fills them:
tests/importers/)."""

import json

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError

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
    Feature.objects.create(
        layer=layer,
        geom=Point(106.70, 10.77, srid=4326),
        attributes={"loai": "Sao đen", "trong": ""},
        name="Sao đen",
        name_search="sao den",
    )
    return layer


def _ids(client) -> set:
    body = client.get("/api/v1/layers/cay-xanh/export/")
    assert body.status_code == 200

    return {
        f["properties"]["loai"] for f in json.loads(b"".join(body.streaming_content))["features"]
    }


def test_a_hidden_layer_is_served_to_nobody(client, layer):
    assert _ids(client) == {"Sao đen"}
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
