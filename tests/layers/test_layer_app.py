"""A layer declared once in a test app (tests/layerapp/layers.py) is served by the GeoJSON
API, OGC API Features and the admin, with its staff-only property kept from the public.

Its tiles, TileJSON, style, raster tiles and MapProxy entry: tests/tiles/test_layer_app_tiles.py.
"""

import json
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.gis.geos import Point

from layers.models import Layer
from tests.layerapp.layers import NOISE_COLOUR
from tests.layerapp.models import NoiseReading

pytestmark = pytest.mark.django_db

SLUG = "noise_readings"
NOTE = "re-calibrated after the flood"


@pytest.fixture
def reading() -> NoiseReading:
    return NoiseReading.objects.create(
        geom=Point(106.7009, 10.7769, srid=4326),
        sensor="ben-thanh-1",
        decibels=72.5,
        measured_at=datetime(2026, 11, 2, 8, 30, tzinfo=UTC),
        calibration_note=NOTE,
    )


def _body(response):
    assert response.status_code == 200, response.content
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return json.loads(content)


def _staff(*codenames: str) -> User:
    user = User.objects.create_user("kiem-dinh", password="x", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return User.objects.get(pk=user.pk)  # fresh permission cache


def _listed(body) -> list[dict]:
    return body if isinstance(body, list) else body["results"]


def test_the_layer_is_listed_after_the_built_in_ones(client):
    slugs = [layer["slug"] for layer in _listed(_body(client.get("/api/v1/layers/")))]
    assert slugs.index(SLUG) > slugs.index("facilities")


def test_geojson_features_carry_public_properties_only(client, reading):
    body = _body(client.get(f"/api/v1/layers/{SLUG}/features/"))
    (feature,) = body["features"]
    assert feature["properties"]["sensor"] == "ben-thanh-1"
    assert feature["properties"]["decibels"] == 72.5
    assert "calibration_note" not in feature["properties"]
    assert NOTE not in json.dumps(body)
    assert feature["geometry"]["coordinates"] == pytest.approx([106.7009, 10.7769])


def test_geojson_features_show_the_staff_only_property_to_a_user_with_the_permission(
    client, reading
):
    client.force_login(_staff("view_restricted_field"))
    body = _body(client.get(f"/api/v1/layers/{SLUG}/features/"))
    assert body["features"][0]["properties"]["calibration_note"] == NOTE


def test_staff_only_property_cannot_be_filtered_on_by_the_public(client, reading):
    response = client.get(f"/api/v1/layers/{SLUG}/features/", {"calibration_note": NOTE})
    assert response.status_code == 400
    assert response.json()["parameter"] == "calibration_note"


def test_ogc_collection_and_items(client, reading):
    collections = _body(client.get("/ogc/collections"))["collections"]
    assert SLUG in [c["id"] for c in collections]
    items = _body(client.get(f"/ogc/collections/{SLUG}/items"))
    (feature,) = items["features"]
    assert feature["properties"]["sensor"] == "ben-thanh-1"
    assert "calibration_note" not in feature["properties"]


def test_ogc_items_show_the_staff_only_property_to_a_user_with_the_permission(client, reading):
    client.force_login(_staff("view_restricted_field"))
    items = _body(client.get(f"/ogc/collections/{SLUG}/items"))
    assert items["features"][0]["properties"]["calibration_note"] == NOTE


def test_the_admin_lists_the_declared_layer_with_its_colour(client):
    client.force_login(_staff("view_layer"))
    response = client.get("/admin/layers/layer/")
    assert response.status_code == 200
    page = response.content.decode()
    row = page[page.index(f'data-slug="{SLUG}"') :]
    assert NOISE_COLOUR in row[: row.index("</tr>")]
    assert "calibration_note" in row[: row.index("</tr>")]


def test_an_imported_layer_may_not_take_the_declared_slug(client):
    client.force_login(User.objects.create_superuser("gis", password="x"))
    response = client.post(
        "/admin/layers/layer/add/",
        {"slug": SLUG, "title": "Fake noise", "geometry_type": "Point", "is_public": "on"},
    )
    assert response.status_code == 200  # the form again, with the error
    assert "This slug belongs to a built-in layer." in response.content.decode()
    assert not Layer.objects.filter(slug=SLUG).exists()
