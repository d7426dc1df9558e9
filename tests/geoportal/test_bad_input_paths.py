"""Paths that name nothing: tile numbers that are not tiles are a 400 naming the number, paths
under /tiles/ that are no tile a JSON 404; a tracking code with a slash is a 400 on the page.
"""

import pytest
from django.conf import settings

from tests.geoportal.bad_input import json_error

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", ["areas/{}.mvt", "raster/basemap/{}.png"])
@pytest.mark.parametrize(
    ("numbers", "parameter", "detail"),
    [
        ("-1/0/0", "z", "Zoom -1 is out of range: it must be from 0 to 22."),
        ("3/-1/0", "x", "Tile x=-1 does not exist at zoom 3: it must be from 0 to 7."),
        ("3/0/-8", "y", "Tile y=-8 does not exist at zoom 3: it must be from 0 to 7."),
        ("a/b/c", "z", "Tile z must be a whole number, got 'a'."),
        ("3/1.5/0", "x", "Tile x must be a whole number, got '1.5'."),
        ("3/0/%C2%B2", "y", "Tile y must be a whole number, got '²'."),
        ("99999999999999999999/0/0", "z", "Tile z=99999999999999999999 is out of range."),
    ],
)
def test_tile_numbers_that_are_not_tiles_are_400(client, kind, numbers, parameter, detail):
    # Raster tiles are drawn for MapProxy only: ask as it does, with its token.
    token = {"HTTP_X_COMMONMAP_RASTER_TOKEN": settings.COMMONMAP["RASTER_TOKEN"]}
    body = json_error(client.get("/tiles/" + kind.format(numbers), **token), 400, parameter)
    assert body["detail"] == detail


@pytest.mark.parametrize(
    "path", ["/tiles/areas/1/2.mvt", "/tiles/areas/1/0/0.pbf", "/tiles/", "/tiles/raster/x.png"]
)
def test_paths_under_tiles_that_are_no_tile_are_json_404(client, path):
    body = json_error(client.get(path), 404)
    assert body["detail"].startswith(f"No tile resource at {path}. Vector tiles are /tiles/")


def test_a_well_formed_tile_still_answers(client):
    assert client.get("/tiles/areas/10/815/481.mvt").status_code in (200, 204)


@pytest.mark.parametrize("url", ["/track/a%2Fb/", "/track/a/b/", "/track/?code=a/b"])
def test_a_tracking_code_with_a_slash_is_400_on_the_page(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "&#x27;a/b&#x27; is not a tracking code" in response.content.decode()
