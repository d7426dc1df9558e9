"""An imported layer's date-time attributes filter and sort by the instant they name
(layers migration 0010, ``Field.sort_key`` and ``Field.condition``), whatever the file's
spelling: a GeoPackage keeps ``2025-07-01T07:00:00.000+07:00``, a GeoJSON
``2025-07-01T07:00:00+07:00``; an offset may be ``Z``, or absent (the city's time)."""

import json

import pytest
from django.contrib.gis.geos import Point

from layers.models import Feature, Layer
from tests.importers.boundary_files import ogr2ogr, write_features
from tests.importers.conftest import do_import

pytestmark = pytest.mark.django_db

# The same instants, each spelled by its own row: 07:00 in Ho Chi Minh City is 00:00 UTC.
ROWS = [
    ({"ten": "Bến Thành", "luc": "2025-07-01T07:00:00+07:00"}, (106.698, 10.772)),
    ({"ten": "Bến Nghé", "luc": "2025-07-01T01:00:00Z"}, (106.703, 10.781)),  # 08:00 here
    ({"ten": "Tân Định", "luc": "2025-07-02T06:30:00+07:00"}, (106.690, 10.790)),
]


def _names(client, slug: str, query: str) -> list[str]:
    response = client.get(f"/ogc/collections/{slug}/items?f=json&{query}")
    assert response.status_code == 200, response.content
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return [f["properties"]["ten"] for f in json.loads(body)["features"]]


@pytest.fixture
def layers(tmp_path) -> list[str]:
    """The rows from a GeoJSON, and from the GeoPackage GDAL writes of it."""
    geojson = write_features(
        tmp_path / "gio.geojson",
        [(props, {"type": "Point", "coordinates": list(xy)}) for props, xy in ROWS],
    )
    gpkg = tmp_path / "gio.gpkg"
    ogr2ogr("-f", "GPKG", gpkg, geojson)
    for path, slug in ((geojson, "gio-geojson"), (gpkg, "gio-gpkg")):
        assert do_import(path, layer=slug).imported == len(ROWS)
    stored = Feature.objects.filter(layer__slug="gio-gpkg", name="Bến Thành")
    assert stored.get().attributes["luc"] == "2025-07-01T07:00:00.000+07:00"  # GDAL's
    return ["gio-geojson", "gio-gpkg"]


@pytest.mark.parametrize(
    "asked",
    ["2025-07-01T07:00:00%2B07:00", "2025-07-01T00:00:00Z", "2025-07-01T07:00:00",
     "2025-07-01T07:00:00.000%2B07:00", "2025-06-30T19:00:00-05:00"],
)  # fmt: skip
def test_a_date_time_matches_the_same_instant_in_any_spelling(client, layers, asked):
    for slug in layers:
        assert _names(client, slug, f"luc={asked}") == ["Bến Thành"]


def test_values_of_several_instants_and_the_order_by_instant(client, layers):
    for slug in layers:
        both = _names(client, slug, "luc=2025-07-01T08:00:00%2B07:00,2025-07-01T00:00:00Z")
        assert sorted(both) == ["Bến Nghé", "Bến Thành"]
        # As text, "…T01:00:00Z" sorts before "…T07:00:00+07:00"; as instants it is after.
        assert _names(client, slug, "sortby=luc") == ["Bến Thành", "Bến Nghé", "Tân Định"]
        assert _names(client, slug, "sortby=-luc") == ["Tân Định", "Bến Nghé", "Bến Thành"]
        assert _names(client, slug, "luc=2025-07-01T07:00:01%2B07:00") == []


def test_the_features_api_filters_by_the_instant_too(client, layers):
    response = client.get("/api/v1/layers/gio-gpkg/features/?luc=2025-07-02T06:30:00%2B07:00")
    assert response.status_code == 200
    assert [f["properties"]["ten"] for f in response.json()["features"]] == ["Tân Định"]


def test_a_value_that_names_no_instant_is_never_matched_and_sorts_last(client):
    layer = Layer.objects.create(
        slug="gio-hong",
        title="Giờ hỏng",
        geometry_type="Point",
        attribute_schema=[{"name": "ten", "type": "string"}, {"name": "luc", "type": "datetime"}],
    )
    spelled = ["chưa rõ", "2025-02-30T07:00:00", "now", "2025-07-01 07:00:00+99",
               "2025/07/01 07:00:00+07", ""]  # fmt: skip
    for i, luc in enumerate(spelled):
        Feature.objects.create(
            layer=layer, geom=Point(106.70, 10.77), attributes={"ten": str(i), "luc": luc}
        )
    Feature.objects.create(layer=layer, geom=Point(106.70, 10.77), attributes={"ten": "trống"})
    assert _names(client, "gio-hong", "luc=2025-07-01T00:00:00Z") == ["4"]
    assert _names(client, "gio-hong", "sortby=luc")[0] == "4"
    assert _names(client, "gio-hong", "sortby=-luc")[0] == "4"


def test_a_value_asked_for_that_is_no_date_time_is_a_400(client, layers):
    response = client.get("/ogc/collections/gio-gpkg/items?f=json&luc=s%C3%A1ng")
    assert response.status_code == 400
    assert "luc" in response.json()["detail"]
