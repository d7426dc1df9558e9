"""style.json and TileJSON stay on the city whatever a layer holds far away.

One imported point at 0,0 (a file whose empty coordinates were read as zero) used to drag
the style's centre into the Arabian Sea and stretch the TileJSON bounds over half the
globe. The style now centres on the city (the label point of
the current generation's city area) and layer bounds are cut to the city's extent.
"""

import json

import pytest

from importers.extent import city_extent
from layers.models import AdministrativeArea, AreaLevel
from tests.importers.conftest import do_import

pytestmark = pytest.mark.django_db

DISTRICT_1 = (106.7, 10.77)


@pytest.fixture
def stray_layer(tmp_path) -> str:
    """An imported layer of two points: one in District 1, one at 0,0 (kept, flagged)."""
    features = [
        {"type": "Feature", "properties": {"n": 1}, "geometry": {"type": "Point", "coordinates": c}}
        for c in (list(DISTRICT_1), [0.0, 0.0])
    ]
    path = tmp_path / "lac.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    report = do_import(path, layer="lac-duong")
    assert (report.imported, report.outside_count) == (2, 1)
    return "lac-duong"


def city_label_point() -> tuple[float, float]:
    """The current generation's city area's label point, read from the ORM."""
    city = AdministrativeArea.objects.get(
        generation__valid_to__isnull=True, level=AreaLevel.PROVINCE
    )
    return city.label_point.x, city.label_point.y


def test_style_centre_is_the_city_despite_a_point_at_zero(client, stray_layer):
    style = client.get("/tiles/style.json").json()
    assert stray_layer in {layer.get("source-layer") for layer in style["layers"]}
    assert style["center"] == pytest.approx(list(city_label_point()))
    west, south, east, north = city_extent()
    lon, lat = style["center"]
    assert west < lon < east and south < lat < north


def test_tilejson_bounds_are_cut_to_the_city(client, stray_layer):
    body = client.get(f"/tiles/{stray_layer}.json").json()
    west, south, _east, _north = city_extent()
    assert body["bounds"] == pytest.approx([west, south, DISTRICT_1[0], DISTRICT_1[1]])
    lon, lat, zoom = body["center"]
    assert west < lon < DISTRICT_1[0] and south < lat < DISTRICT_1[1] and zoom == 10


def test_tilejson_of_a_layer_wholly_outside_the_city_is_bounded_by_the_city(client, tmp_path):
    feature = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "Point", "coordinates": [0, 0]},
    }
    path = tmp_path / "xa.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    assert do_import(path, layer="xa-xoi").imported == 1
    body = client.get("/tiles/xa-xoi.json").json()
    assert body["bounds"] == pytest.approx(list(city_extent()))
