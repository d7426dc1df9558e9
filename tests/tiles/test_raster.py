"""Raster tiles (PNG) drawn by tiles/raster.py, read back with Pillow.

Where a thing should be drawn is computed here from the ORM with the standard XYZ
formulas, never with the project's tile SQL.
"""

import io
import math

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.contrib.gis.geos import Point, Polygon
from django.db import connection
from django.test import Client
from PIL import Image

from layers.layer_specs import FACILITY_GROUP_COLOURS, imported_colour
from layers.models import AdministrativeArea, Facility, Feature, Layer
from layers.spec import hex_rgb
from tiles.raster_paint import LAND, SEA

pytestmark = pytest.mark.django_db

SIZE = 256
SEA_POINT = (107.3, 9.4)  # the South China Sea, 80 km off Vũng Tàu


@pytest.fixture
def client():
    """A client that asks as MapProxy does, with the renderer's token (the renderer draws
    for MapProxy only: tests/tiles/test_raster_access.py)."""
    return Client(
        HTTP_ACCEPT_LANGUAGE="en",
        HTTP_X_COMMONMAP_RASTER_TOKEN=settings.COMMONMAP["RASTER_TOKEN"],
    )


def pixel_of(lon: float, lat: float, z: int) -> tuple[int, int, int, int]:
    """(tile x, tile y, pixel column, pixel row) of a lon/lat at zoom z (XYZ, 256 px)."""
    n = 2**z
    fx = (lon + 180.0) / 360.0 * n
    fy = (1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n
    x, y = int(fx), int(fy)
    return x, y, int((fx - x) * SIZE), int((fy - y) * SIZE)


def png(client, layers: str, z: int, x: int, y: int) -> Image.Image:
    response = client.get(f"/tiles/raster/{layers}/{z}/{x}/{y}.png")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG"
    assert image.size == (SIZE, SIZE)
    return image


def group_colour(facility: Facility) -> tuple[int, int, int]:
    return hex_rgb(FACILITY_GROUP_COLOURS[facility.category.group])


def current_ward(name: str) -> AdministrativeArea:
    return AdministrativeArea.objects.get(
        name=name, level="ward", generation__valid_to__isnull=True
    )


def metres_to_border(area: AdministrativeArea) -> float:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_Distance(label_point::geography, ST_Boundary(geom)::geography) "
            "FROM layers_administrativearea WHERE id = %s",
            [area.id],
        )
        return cursor.fetchone()[0]


def isolated_facility(min_gap_m: float) -> Facility:
    """A demo facility in the inner city with no other facility within ``min_gap_m``."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT f.id FROM layers_facility AS f "
            "WHERE ST_DWithin(f.geom, ST_SetSRID(ST_MakePoint(106.70, 10.78), 4326), 0.05) "
            "AND NOT EXISTS (SELECT 1 FROM layers_facility AS o WHERE o.id <> f.id "
            "AND o.geom && ST_Expand(f.geom, 0.01) "  # 1 km: an index-friendly prefilter
            "AND ST_DWithin(o.geom::geography, f.geom::geography, %s)) ORDER BY f.id LIMIT 1",
            [min_gap_m],
        )
        return Facility.objects.select_related("category").get(id=cursor.fetchone()[0])


# --- the basemap --------------------------------------------------------------------------


def test_basemap_is_an_opaque_png(client):
    image = png(client, "basemap", 10, *pixel_of(106.70, 10.78, 10)[:2])
    assert image.mode == "RGB"


def test_a_wards_label_point_is_land_in_the_basemap(client):
    ward = current_ward("Phường Sài Gòn")
    assert metres_to_border(ward) > 50  # several pixels at z14 (9.4 m a pixel)
    x, y, px, py = pixel_of(ward.label_point.x, ward.label_point.y, 14)
    image = png(client, "basemap", 14, x, y).convert("RGB")
    assert image.getpixel((px, py)) == LAND


def test_far_out_at_sea_is_sea_coloured(client):
    assert not AdministrativeArea.objects.filter(
        geom__dwithin=(Point(*SEA_POINT, srid=4326), 0.2)
    ).exists()
    x, y, px, py = pixel_of(*SEA_POINT, 10)
    image = png(client, "basemap", 10, x, y).convert("RGB")
    assert image.getpixel((px, py)) == SEA


def test_a_tile_with_no_land_is_all_sea(client):
    image = png(client, "basemap", 12, *pixel_of(*SEA_POINT, 12)[:2]).convert("RGB")
    assert image.getcolors() == [(SIZE * SIZE, SEA)]


def test_basemap_draws_ward_borders_between_land(client):
    """Across the centre tile at z12 some pixels are neither land nor sea: the borders."""
    image = png(client, "basemap", 12, *pixel_of(106.70, 10.78, 12)[:2]).convert("RGB")
    colours = {colour for _count, colour in image.getcolors(SIZE * SIZE)}
    assert LAND in colours
    assert len(colours - {LAND, SEA}) > 10  # border colour plus its anti-aliased blends


# --- data layers --------------------------------------------------------------------------


def test_data_layers_are_transparent_where_empty(client):
    x, y = pixel_of(*SEA_POINT, 10)[:2]
    for layers in ("facilities", "areas", "areas,facilities"):
        image = png(client, layers, 10, x, y)
        assert image.mode == "RGBA"
        assert image.getchannel("A").getextrema() == (0, 0)


def test_a_facility_is_a_circle_of_its_groups_colour_at_its_position(client):
    facility = isolated_facility(300)
    x, y, px, py = pixel_of(facility.geom.x, facility.geom.y, 15)
    image = png(client, "facilities", 15, x, y).convert("RGBA")
    # The colour the facilities' declaration gives its group, as the style does too.
    assert image.getpixel((px, py)) == (*group_colour(facility), 255)
    # 20 px (90 m) away there is nothing: the circle is small and the place isolated.
    for dx, dy in ((20, 0), (-20, 0), (0, 20), (0, -20)):
        if 0 <= px + dx < SIZE and 0 <= py + dy < SIZE:
            assert image.getpixel((px + dx, py + dy))[3] == 0


def test_data_layers_over_the_basemap_are_opaque(client):
    facility = isolated_facility(300)
    x, y, px, py = pixel_of(facility.geom.x, facility.geom.y, 15)
    image = png(client, "facilities,basemap", 15, x, y)
    assert image.mode == "RGB"
    assert image.getpixel((px, py)) == group_colour(facility)


def test_an_imported_polygon_layer_is_filled_translucent(client):
    layer = Layer.objects.create(slug="ho-nuoc", title="Hồ nước", geometry_type="Polygon")
    box = (106.695, 10.775, 106.705, 10.785)
    Feature.objects.create(layer=layer, geom=Polygon.from_bbox(box))
    x, y, px, py = pixel_of(106.70, 10.78, 15)
    image = png(client, "ho-nuoc", 15, x, y).convert("RGBA")
    r, g, b, a = image.getpixel((px, py))
    assert abs(a - 77) <= 1  # 30 % (the default fill opacity of a declared paint)
    # The layer's own colour (the style's too); premultiplied alpha: a few units of rounding.
    expected = hex_rgb(imported_colour("ho-nuoc"))
    assert max(abs(c - e) for c, e in zip((r, g, b), expected, strict=True)) <= 3


def test_one_query_per_tile(client, django_assert_num_queries):
    x, y = pixel_of(106.70, 10.78, 12)[:2]
    with django_assert_num_queries(1):
        png(client, "basemap,areas,facilities", 12, x, y)


def test_caching_headers_and_304(client):
    x, y = pixel_of(106.70, 10.78, 11)[:2]
    first = client.get(f"/tiles/raster/basemap,areas/11/{x}/{y}.png")
    assert first.status_code == 200
    assert first["Cache-Control"].startswith("public, max-age=")
    etag = first["ETag"]
    again = client.get(
        f"/tiles/raster/basemap,areas/11/{x}/{y}.png", headers={"If-None-Match": etag}
    )
    assert again.status_code == 304
    assert again["ETag"] == etag


# --- bad requests -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "parameter", "message"),
    [
        ("basemap/23/0/0.png", "z", "Zoom 23 is out of range: it must be from 0 to 22."),
        (
            "basemap/3/8/0.png",
            "x",
            "Tile x=8 does not exist at zoom 3: it must be from 0 to 7.",
        ),
        (
            "facilities/2/0/4.png",
            "y",
            "Tile y=4 does not exist at zoom 2: it must be from 0 to 3.",
        ),
        (
            "basemap,basemap/3/6/3.png",
            "layer",
            "Name one to 10 different layers, separated by commas.",
        ),
        (
            "areas,areas/3/6/3.png",
            "layer",
            "Name one to 10 different layers, separated by commas.",
        ),
    ],
)
def test_tiles_that_cannot_exist_are_400(client, path, parameter, message):
    response = client.get(f"/tiles/raster/{path}")
    assert response.status_code == 400
    assert response.json() == {
        "detail": message,
        "code": "invalid_parameter",
        "parameter": parameter,
    }


def test_unknown_and_staff_only_layers_are_404(client):
    Layer.objects.create(slug="ong-nuoc", title="Ống nước", is_public=False)
    for layers in ("nope", "ong-nuoc", "basemap,ong-nuoc"):
        response = client.get(f"/tiles/raster/{layers}/3/6/3.png")
        assert response.status_code == 404
        name = layers.split(",")[-1]
        assert response.json()["detail"] == f"No layer named '{name}'."
    user = User.objects.create_user("gis")
    user.user_permissions.add(Permission.objects.get(codename="view_restricted_layer"))
    client.force_login(user)
    assert client.get("/tiles/raster/ong-nuoc/3/6/3.png").status_code == 200
