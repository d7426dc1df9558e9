"""The upload API from upload to map: the worker's job, its report, and the layer it makes,
read back through the GeoJSON API, OGC API Features and a vector tile and compared with the
source file as pyogrio reads it; modes, dry runs and rejected rows as the API reports them.
"""

import gzip
import json
import math
import unicodedata

import mapbox_vector_tile
import pyogrio.raw
import pytest
import shapely

from layers.models import Feature, Layer
from tests.importers.conftest import (
    IGNORE_BAD_WKT,
    PLACES_CSV,
    PROVINCES_SHP,
    URL,
    import_file,
    queued,
    upload,
)
from tests.tiles.xyz import tile_of

pytestmark = pytest.mark.django_db


def source_names() -> list[str]:
    """The provinces' name_vi as pyogrio reads them from the Shapefile, NFC."""
    _meta, _fids, _geoms, (names,) = pyogrio.raw.read(
        PROVINCES_SHP, columns=["name_vi"], read_geometry=False
    )
    return sorted(unicodedata.normalize("NFC", name) for name in names)


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """(west, south, east, north) of an XYZ tile, in degrees."""
    n = 2**z

    def lat(row: float) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return x / n * 360.0 - 180.0, lat(y + 1), (x + 1) / n * 360.0 - 180.0, lat(y)


# --- a Shapefile from upload to map ------------------------------------------------------


def test_upload_answers_202_with_the_queued_job_and_its_location(client, staff, provinces_zip):
    response = upload(client, provinces_zip, layer="tinh")
    job = queued(response)
    assert response["Location"] == job["url"] == f"http://testserver{URL}{job['id']}/"
    assert job["status"] == "queued"
    assert (job["file"], job["layer"], job["mode"]) == ("tinh.zip", "tinh", "create")
    assert job["file_size"] == provinces_zip.stat().st_size
    assert job["report"] is None and job["error"] is None and job["links"] == {}


def test_worker_runs_the_shapefile_job_to_a_committed_report(client, staff, provinces_zip):
    job = import_file(client, provinces_zip, layer="tinh")
    assert job["status"] == "succeeded"
    assert job["error"] is None
    assert job["progress"]["percent"] == 100.0
    assert job["progress"]["rows_read"] == 63
    report = job["report"]
    assert (report["rows_read"], report["imported"], report["rejected_count"]) == (63, 63, 0)
    assert report["committed"] is True
    assert (report["format"], report["crs"], report["crs_source"]) == (
        "shp",
        "EPSG:4326 (WGS 84)",
        "file",
    )
    assert report["geometry_type"] == "MultiPolygon"
    assert report["encoding"] == "utf-8 (from the .cpg)"
    assert job["links"] == {
        "geojson": "http://testserver/api/v1/layers/tinh/features/",
        "ogc": "http://testserver/ogc/collections/tinh/items",
        "tilejson": "http://testserver/tiles/tinh.json",
    }
    assert Feature.objects.filter(layer__slug="tinh").count() == 63


def test_imported_provinces_keep_their_vietnamese_names_in_the_geojson_api(
    client, staff, provinces_zip
):
    import_file(client, provinces_zip, layer="tinh")
    response = client.get("/api/v1/layers/tinh/features/", {"page_size": 100})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 63
    names = sorted(f["properties"]["name_vi"] for f in body["features"])
    assert names == source_names()
    assert "Thành phố Hồ Chí Minh" in names


def test_imported_provinces_are_items_of_an_ogc_collection(client, staff, provinces_zip):
    import_file(client, provinces_zip, layer="tinh")
    response = client.get("/ogc/collections/tinh/items", {"limit": 100})
    assert response.status_code == 200
    body = json.loads(b"".join(response.streaming_content))
    assert body["numberMatched"] == body["numberReturned"] == 63
    assert sorted(f["properties"]["name_vi"] for f in body["features"]) == source_names()


def test_imported_provinces_are_drawn_in_a_vector_tile_over_viet_nam(client, staff, provinces_zip):
    import_file(client, provinces_zip, layer="tinh")
    z = 5
    x, y = tile_of(106.0, 16.0, z)  # central Viet Nam
    assert (x, y) == (25, 14)
    response = client.get(f"/tiles/tinh/{z}/{x}/{y}.mvt")
    assert response.status_code == 200, response.content
    data = response.content
    if response.get("Content-Encoding") == "gzip":
        data = gzip.decompress(data)
    drawn = mapbox_vector_tile.decode(data)["tinh"]["features"]
    _meta, _fids, geoms, (names,) = pyogrio.raw.read(PROVINCES_SHP, columns=["name_vi"])
    tile = shapely.box(*tile_bounds(z, x, y))
    inside = {
        unicodedata.normalize("NFC", name)
        for name, geom in zip(names, shapely.from_wkb(geoms), strict=True)
        if tile.contains(geom.representative_point())
    }
    assert len(inside) > 30
    assert inside <= {f["properties"]["name_vi"] for f in drawn}


# --- modes, dry runs ---------------------------------------------------------------------


def test_upsert_of_the_same_places_changes_nothing(client, staff):
    first = import_file(client, PLACES_CSV, layer="diem-dan-cu", key="geonameid")
    assert first["status"] == "succeeded"
    assert (first["report"]["rows_read"], first["report"]["imported"]) == (86, 86)
    again = import_file(client, PLACES_CSV, layer="diem-dan-cu", key="geonameid", mode="upsert")
    assert again["status"] == "succeeded"
    report = again["report"]
    assert (report["unchanged"], report["imported"], report["updated"]) == (86, 0, 0)
    assert Feature.objects.filter(layer__slug="diem-dan-cu").count() == 86


def test_dry_run_reports_and_creates_no_layer(client, staff):
    job = import_file(client, PLACES_CSV, layer="diem-dan-cu", dry_run="true")
    assert job["status"] == "succeeded"
    assert job["dry_run"] is True
    assert (job["report"]["rows_read"], job["report"]["imported"]) == (86, 86)
    assert job["report"]["committed"] is False
    assert job["links"] == {}
    assert client.get("/api/v1/layers/diem-dan-cu/").status_code == 404
    assert not Layer.objects.filter(slug="diem-dan-cu").exists()


# --- rejected rows -----------------------------------------------------------------------


@IGNORE_BAD_WKT
def test_one_bad_row_rejects_the_whole_file(client, staff, markets_csv):
    job = import_file(client, markets_csv, layer="cho")
    assert job["status"] == "rejected"
    report = job["report"]
    assert (report["rows_read"], report["rejected_count"], report["imported"]) == (3, 1, 0)
    assert report["committed"] is False
    assert report["rejected"] == [{"row": 2, "reason": "no geometry"}]
    assert client.get("/api/v1/layers/cho/").status_code == 404


@IGNORE_BAD_WKT
def test_partial_import_keeps_the_good_rows(client, staff, markets_csv):
    job = import_file(client, markets_csv, layer="cho", partial="true")
    assert job["status"] == "succeeded"
    report = job["report"]
    assert (report["imported"], report["rejected_count"], report["committed"]) == (2, 1, True)
    assert sorted(Feature.objects.filter(layer__slug="cho").values_list("name", flat=True)) == [
        "Chợ Bến Thành",
        "Chợ Tân Định",
    ]
