"""An imported layer's date-time attributes filter by the instant they name (layers
migration 0010, ``Field.condition``), whatever the file's spelling: a GeoPackage keeps
``2025-07-01T07:00:00.000+07:00``, a GeoJSON ``2025-07-01T07:00:00+07:00``; an offset may
be ``Z``, or absent (the city's time)."""

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


def test_values_of_several_instants_any_of_which_may_match(client, layers):
    for slug in layers:
        both = _names(client, slug, "luc=2025-07-01T08:00:00%2B07:00,2025-07-01T00:00:00Z")
        assert sorted(both) == ["Bến Nghé", "Bến Thành"]
        assert _names(client, slug, "luc=2025-07-01T07:00:01%2B07:00") == []
        with_others = _names(client, slug, "luc=2025-07-01T01:00:00Z&ten=Bến Nghé")
        assert with_others == ["Bến Nghé"]


def test_the_features_api_filters_by_the_instant_too(client, layers):
    response = client.get("/api/v1/layers/gio-gpkg/features/?luc=2025-07-02T06:30:00%2B07:00")
    assert response.status_code == 200
    assert [f["properties"]["ten"] for f in response.json()["features"]] == ["Tân Định"]


def test_a_value_that_names_no_instant_is_never_matched_nor_fails_the_query(client):
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
    assert _names(client, "gio-hong", "luc=2025-02-28T00:00:00Z,2025-07-01T07:00:00Z") == []


def test_a_value_asked_for_that_is_no_date_time_is_a_400(client, layers):
    response = client.get("/ogc/collections/gio-gpkg/items?f=json&luc=s%C3%A1ng")
    assert response.status_code == 400
    assert "luc" in response.json()["detail"]


def test_far_offsets_and_short_dates_are_read_too(client):
    """The rows whose date is spelled in full are read only near an asked instant's date
    (``Field._same_instant``): an offset of up to 16 hours moves the date by one day at
    most; a date spelled otherwise is always read. Instants at the calendar's ends are
    asked for too."""
    layer = Layer.objects.create(
        slug="gio-xa",
        title="Giờ xa",
        geometry_type="Point",
        attribute_schema=[{"name": "ten", "type": "string"}, {"name": "luc", "type": "datetime"}],
    )
    spelled = {  # each 2025-07-01T00:30:00Z, but the last
        "tay": "2025-06-30T08:31:00-15:59",
        "dong": "2025-07-01T15:30:00+15:00",
        "ngan": "2025-7-1 7:30",  # the city's time
        "ngay-ngan": "2025-07-1 07:30:00+07",
        "gach": "2025/07/01 07:30:00+07",
        "khac": "2025-07-02T00:30:00Z",
    }
    for name, luc in spelled.items():
        Feature.objects.create(
            layer=layer, geom=Point(106.70, 10.77), attributes={"ten": name, "luc": luc}
        )
    found = _names(client, "gio-xa", "luc=2025-07-01T00:30:00Z")
    assert sorted(found) == ["dong", "gach", "ngan", "ngay-ngan", "tay"]
    edges = "0001-01-01T00:00:00%2B07:00,0001-01-01T00:00:00Z,9999-12-31T23:59:59-15:00"
    assert _names(client, "gio-xa", f"luc={edges}") == []
    assert _names(client, "gio-xa", "luc=2025-07-02T07:30:00%2B07:00") == ["khac"]
