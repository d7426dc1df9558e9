"""What a layer's declaration rules about its tiles beyond its data: the zooms it is drawn at,
and who may see a built-in layer that is not public (also when its tile is already cached)."""

import dataclasses
import io
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.contrib.gis.geos import Point
from django.test import Client
from PIL import Image

from layers import registry
from tests.layerapp.layers import noise_spec
from tests.layerapp.models import NoiseReading
from tests.tiles.xyz import tile_of
from tiles.models import CachedTile
from tiles.raster import RASTER_TOKEN_HEADER

pytestmark = pytest.mark.django_db

SLUG = "noise_readings"  # declared with minzoom=10, maxzoom=20 (tests/layerapp/layers.py)
PLACE = (107.3, 9.4)  # at sea: nothing else of the city is drawn near it
STAFF_SLUG = "noise_staff"


@pytest.fixture
def reading() -> NoiseReading:
    return NoiseReading.objects.create(
        geom=Point(*PLACE, srid=4326),
        sensor="buoy-2",
        decibels=58.0,
        measured_at=datetime(2026, 11, 3, 7, 0, tzinfo=UTC),
    )


@pytest.fixture
def staff_only_layer():
    """The noise layer again under another slug, not public: seen only with the permission."""
    registry.register(
        STAFF_SLUG, lambda: dataclasses.replace(noise_spec(), slug=STAFF_SLUG, public=False)
    )
    yield STAFF_SLUG
    registry.unregister(STAFF_SLUG)


def _permitted_client() -> Client:
    user = User.objects.create_user("giam-sat", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_restricted_layer"))
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(User.objects.get(pk=user.pk))
    return client


@pytest.mark.parametrize(("z", "status"), [(9, 204), (10, 200), (20, 200), (21, 204)])
def test_vector_tiles_draw_the_layer_only_at_its_declared_zooms(client, reading, z, status):
    x, y = tile_of(*PLACE, z)
    assert client.get(f"/tiles/{SLUG}/{z}/{x}/{y}.mvt").status_code == status


@pytest.mark.parametrize(("z", "drawn"), [(9, False), (10, True)])
def test_raster_tiles_draw_the_layer_only_at_its_declared_zooms(client, reading, z, drawn):
    x, y = tile_of(*PLACE, z)
    response = client.get(
        f"/tiles/raster/{SLUG}/{z}/{x}/{y}.png",
        headers={RASTER_TOKEN_HEADER: settings.COMMONMAP["RASTER_TOKEN"]},
    )
    assert response.status_code == 200, response.content
    image = Image.open(io.BytesIO(response.content)).convert("RGBA")
    assert (image.getextrema()[3][1] > 0) is drawn  # any pixel not fully transparent


def test_a_built_in_layer_that_is_not_public_is_unknown_to_anonymous_callers(
    client, reading, staff_only_layer
):
    x, y = tile_of(*PLACE, 14)
    response = client.get(f"/tiles/{staff_only_layer}/14/{x}/{y}.mvt")
    assert response.status_code == 404
    assert response.json()["parameter"] == "layer"


def test_its_cached_tile_is_not_served_to_anonymous_callers(client, reading, staff_only_layer):
    x, y = tile_of(*PLACE, 14)
    url = f"/tiles/{staff_only_layer}/14/{x}/{y}.mvt"
    staff = _permitted_client()
    first = staff.get(url)
    assert first.status_code == 200
    assert first["Cache-Control"].startswith("private")
    assert "Cookie" in first["Vary"]
    assert CachedTile.objects.filter(layers__contains=[staff_only_layer], z=14).exists()
    # Warm now: the cache holds it, and still only the permitted caller gets it.
    assert client.get(url).status_code == 404
    again = staff.get(url)
    assert again.status_code == 200
    assert again["Cache-Control"].startswith("private")
