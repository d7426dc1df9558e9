"""MapProxy in front of the raster tiles, end to end.

``manage.py mapproxy_config`` writes the configuration for the app that gunicorn serves on
the test database (``server_url``); MapProxy runs under its own gunicorn, as ``make run``
starts it, and is asked over HTTP like any client would. The images are read with Pillow,
the capabilities with defusedxml, and where a thing should be is computed here (ORM, XYZ
formulas, ``layers.crs``), never with the project's tile code.
"""

import io
import math
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import requests
import yaml
from defusedxml import ElementTree
from django.db import connection
from PIL import Image
from pyproj import Transformer

from layers.crs import vn2000_transformer
from layers.models import AdministrativeArea, Facility
from layers.registry import registered_slugs
from tests.web.conftest import MapProxy
from tiles.raster_paint import LAND, SEA

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
WMTS = "{http://www.opengis.net/wmts/1.0}"
OWS = "{http://www.opengis.net/ows/1.1}"
WEB_MERCATOR_HALF = 20037508.342789244


@dataclass(frozen=True)
class Place:
    lon: float
    lat: float


@pytest.fixture(scope="module")
def label_point(read_db) -> Place:
    """The label point of Phường Sài Gòn (current generation), well inside the ward."""

    def query() -> Place:
        ward = AdministrativeArea.objects.get(
            name="Phường Sài Gòn", level="ward", generation__valid_to__isnull=True
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT ST_Distance(label_point::geography, ST_Boundary(geom)::geography) "
                "FROM layers_administrativearea WHERE id = %s",
                [ward.id],
            )
            assert cursor.fetchone()[0] > 150  # farther than any image below can blur
        return Place(ward.label_point.x, ward.label_point.y)

    return read_db(query)


@pytest.fixture(scope="module")
def lonely_facility(read_db) -> Place:
    """A facility in the Mekong-delta block of EPSG:5194 with no other within 300 m."""

    def query() -> Place:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT f.id FROM layers_facility AS f "
                "WHERE ST_DWithin(f.geom, ST_SetSRID(ST_MakePoint(106.70, 10.78), 4326), 0.05) "
                "AND NOT EXISTS (SELECT 1 FROM layers_facility AS o WHERE o.id <> f.id "
                "AND o.geom && ST_Expand(f.geom, 0.01) "
                "AND ST_DWithin(o.geom::geography, f.geom::geography, 300)) "
                "ORDER BY f.id LIMIT 1"
            )
            facility = Facility.objects.get(id=cursor.fetchone()[0])
        return Place(facility.geom.x, facility.geom.y)

    return read_db(query)


def xyz(place: Place, z: int) -> tuple[int, int, int, int]:
    """(tile x, tile y, pixel column, pixel row) of a place at zoom z (XYZ, 256 px)."""
    n = 2**z
    fx = (place.lon + 180.0) / 360.0 * n
    fy = (1.0 - math.asinh(math.tan(math.radians(place.lat))) / math.pi) / 2.0 * n
    return int(fx), int(fy), int((fx - int(fx)) * 256), int((fy - int(fy)) * 256)


def image(response: requests.Response) -> Image.Image:
    assert response.status_code == 200, response.text[:500]
    assert response.headers["Content-Type"] == "image/png"
    return Image.open(io.BytesIO(response.content))


def near(colour: tuple, expected: tuple, tolerance: int = 2) -> bool:
    return max(abs(a - b) for a, b in zip(colour[:3], expected, strict=True)) <= tolerance


def wms_png(mapproxy: MapProxy, crs: str, bbox: tuple, layers: str, size: int = 256):
    return image(
        requests.get(
            f"{mapproxy.url}/service",
            params={
                "SERVICE": "WMS",
                "VERSION": "1.3.0",
                "REQUEST": "GetMap",
                "LAYERS": layers,
                "STYLES": "",
                "CRS": crs,
                "BBOX": ",".join(f"{v!r}" for v in bbox),
                "WIDTH": size,
                "HEIGHT": size,
                "FORMAT": "image/png",
                "TRANSPARENT": "TRUE",
            },
            timeout=60,
        )
    )


# --- the generated configuration ----------------------------------------------------------


def test_config_has_one_layer_per_public_layer_plus_basemap_and_all(mapproxy):
    conf = yaml.safe_load((mapproxy.directory / "mapproxy.yaml").read_text())
    # Every layer the registry declares (the test app's too: tests/layerapp).
    names = ["all", "basemap", *registered_slugs()]
    assert [layer["name"] for layer in conf["layers"]] == names
    assert conf["caches"]["facilities@3857"]["refresh_before"] == {"minutes": 5}
    assert conf["caches"]["basemap@9210"]["refresh_before"] == {"hours": 24}
    assert conf["services"]["wms"]["srs"] == ["EPSG:3857", "EPSG:4326", "EPSG:9210", "CRS:84"]
    # A layer hidden after the config was written: transparent, not cached, not an error.
    assert conf["sources"]["areas@source"]["on_error"] == {
        404: {"response": "transparent", "cache": False}
    }
    assert "on_error" not in conf["sources"]["basemap@source"]


def test_demo_service_is_served(mapproxy):
    response = requests.get(f"{mapproxy.url}/demo/", timeout=10)
    assert response.status_code == 200
    assert "basemap" in response.text


# --- tiles --------------------------------------------------------------------------------


def test_tms_tile_over_the_city_centre_shows_land(mapproxy, label_point):
    z = 14
    x, y, px, py = xyz(label_point, z)
    # TMS 1.0.0 counts rows from the south, and its global-mercator profile starts with
    # 2 × 2 tiles, one level below XYZ.
    tms = requests.get(
        f"{mapproxy.url}/tms/1.0.0/basemap/EPSG3857/{z - 1}/{x}/{2**z - 1 - y}.png", timeout=30
    )
    tile = image(tms).convert("RGB")
    assert tile.size == (256, 256)
    assert tile.getpixel((px, py)) == LAND
    xyz_form = requests.get(
        f"{mapproxy.url}/tiles/basemap/EPSG3857/{z}/{x}/{y}.png?origin=nw", timeout=30
    )
    assert xyz_form.content == tms.content


def test_a_second_request_is_served_from_the_cache(mapproxy, label_point):
    z = 13
    x, y, _px, _py = xyz(label_point, z)
    url = f"{mapproxy.url}/wmts/basemap/GLOBAL_WEBMERCATOR/{z}/{x}/{y}.png"
    first = image(requests.get(url, timeout=30)).convert("RGB")
    cached = mapproxy.directory / "cache" / "basemap" / "EPSG3857" / str(z) / str(x) / f"{y}.png"
    assert cached.is_file()
    assert LAND in {colour for _n, colour in first.getcolors(256 * 256)}
    # Put a tile the renderer would never draw in its place: the next answer is that tile.
    cached.unlink()
    Image.new("RGB", (256, 256), (255, 0, 255)).save(cached)
    second = image(requests.get(url, timeout=30)).convert("RGB")
    assert second.getcolors() == [(256 * 256, (255, 0, 255))]


def test_wmts_capabilities_list_the_layers_and_three_tile_matrix_sets(mapproxy):
    response = requests.get(f"{mapproxy.url}/wmts/1.0.0/WMTSCapabilities.xml", timeout=30)
    assert response.status_code == 200
    contents = ElementTree.fromstring(response.content).find(f"{WMTS}Contents")
    layers = {
        layer.findtext(f"{OWS}Identifier"): {
            link.findtext(f"{WMTS}TileMatrixSet")
            for link in layer.findall(f"{WMTS}TileMatrixSetLink")
        }
        for layer in contents.findall(f"{WMTS}Layer")
    }
    matrix_sets = {"GLOBAL_WEBMERCATOR", "hcmc_4326", "hcmc_9210"}
    assert layers == {name: matrix_sets for name in ("all", "basemap", *registered_slugs())}
    crs = {
        tms.findtext(f"{OWS}Identifier"): tms.findtext(f"{OWS}SupportedCRS")
        for tms in contents.findall(f"{WMTS}TileMatrixSet")
    }
    # MapProxy 7 writes the URN without its (empty) version field.
    assert crs == {
        "GLOBAL_WEBMERCATOR": "urn:ogc:def:crs:EPSG:3857",
        "hcmc_4326": "urn:ogc:def:crs:EPSG:4326",
        "hcmc_9210": "urn:ogc:def:crs:EPSG:9210",
    }


def test_wmts_tile_of_the_epsg9210_grid_shows_land_at_the_label_point(mapproxy, label_point):
    """hcmc_9210 (base.yaml): origin at the top left of the bbox, level 8 = 2445.98 / 2⁸ m."""
    left, top, level = 510000.0, 1320000.0, 8
    resolution = 2445.98490512564 / 2**level
    e, n = vn2000_transformer(4326, 9210).transform(label_point.lon, label_point.lat)
    col, row = (e - left) / resolution, (top - n) / resolution
    url = (
        f"{mapproxy.url}/wmts/basemap/hcmc_9210/{level:02d}/{int(col // 256)}/{int(row // 256)}.png"
    )
    tile = image(requests.get(url, timeout=60)).convert("RGB")
    assert near(tile.getpixel((int(col % 256), int(row % 256))), LAND)


# --- WMS in the three CRSs ----------------------------------------------------------------


def test_wms_in_epsg4326_takes_latitude_first(mapproxy, label_point):
    half = 0.005  # 1.1 km
    lat, lon = label_point.lat, label_point.lon
    picture = wms_png(
        mapproxy, "EPSG:4326", (lat - half, lon - half, lat + half, lon + half), "basemap"
    )
    assert near(picture.convert("RGB").getpixel((128, 128)), LAND)


def test_wms_in_epsg9210_shows_land_at_the_label_point(mapproxy, label_point):
    e, n = vn2000_transformer(4326, 9210).transform(label_point.lon, label_point.lat)
    picture = wms_png(mapproxy, "EPSG:9210", (e - 1000, n - 1000, e + 1000, n + 1000), "basemap")
    assert near(picture.convert("RGB").getpixel((128, 128)), LAND)


def test_wms_sea_is_sea_in_crs84(mapproxy):
    picture = wms_png(mapproxy, "CRS:84", (107.25, 9.35, 107.35, 9.45), "basemap")
    assert near(picture.convert("RGB").getpixel((128, 128)), SEA)


def test_epsg9210_uses_the_official_vn2000_datum_shift(mapproxy, lonely_facility):
    """A facility's circle in a 64 m × 64 m WMS image in EPSG:9210 (0.25 m a pixel) is centred
    where EPSG:6960 puts the facility. Plain PROJ (EPSG:5194 in this block) puts it 0.8 m,
    over 3 pixels, to the west: the test tells the two apart."""
    official = vn2000_transformer(4326, 9210).transform(lonely_facility.lon, lonely_facility.lat)
    default = Transformer.from_crs(4326, 9210, always_xy=True).transform(
        lonely_facility.lon, lonely_facility.lat
    )
    resolution, size = 0.25, 256
    left, bottom = round(official[0]) - 32.0, round(official[1]) - 32.0
    bbox = (left, bottom, left + size * resolution, bottom + size * resolution)

    def pixel(east_north: tuple[float, float]) -> np.ndarray:
        return np.array(
            [(east_north[0] - bbox[0]) / resolution, (bbox[3] - east_north[1]) / resolution]
        )

    assert np.linalg.norm(pixel(official) - pixel(default)) > 3  # the two answers differ

    alpha = np.asarray(wms_png(mapproxy, "EPSG:9210", bbox, "facilities").convert("RGBA"))[
        :, :, 3
    ].astype(float)
    assert alpha.sum() > 0
    rows, cols = np.indices(alpha.shape)
    centre = np.array(
        [(alpha * (cols + 0.5)).sum() / alpha.sum(), (alpha * (rows + 0.5)).sum() / alpha.sum()]
    )
    assert np.linalg.norm(centre - pixel(official)) < 1.0
    assert np.linalg.norm(centre - pixel(default)) > 2.0


# --- seeding ------------------------------------------------------------------------------


def _seed(mapproxy: MapProxy, seed_file: Path, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            str(BIN / "mapproxy-seed"),
            *("-f", str(mapproxy.directory / "mapproxy.yaml")),
            *("-s", str(seed_file)),
            *options,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_generated_seed_config_is_accepted(mapproxy):
    done = _seed(mapproxy, mapproxy.directory / "seed.yaml", "--summary")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "basemap@3857" in done.stdout
    assert "Levels: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]" in done.stdout


def test_mapproxy_seed_fills_a_bbox_over_a_zoom_range(mapproxy, label_point):
    """One z10 tile (inset by a metre) seeded at z10-12: 1 + 4 + 16 tiles."""
    z, (x, y) = 10, xyz(label_point, 10)[:2]
    width = 2 * WEB_MERCATOR_HALF / 2**z
    west, north = -WEB_MERCATOR_HALF + x * width, WEB_MERCATOR_HALF - y * width
    seed_file = mapproxy.directory / "seed-test.yaml"
    seed_file.write_text(
        yaml.safe_dump(
            {
                "coverages": {
                    "one_tile": {
                        "bbox": [west + 1, north - width + 1, west + width - 1, north - 1],
                        "srs": "EPSG:3857",
                    }
                },
                "seeds": {
                    "test": {
                        "caches": ["areas@3857"],
                        "coverages": ["one_tile"],
                        "levels": {"from": 10, "to": 12},
                    }
                },
            }
        )
    )
    # The MapProxy is the package's: other tests' requests have cached tiles of this layer.
    cache = mapproxy.directory / "cache" / "areas" / "EPSG3857"
    shutil.rmtree(cache, ignore_errors=True)
    done = _seed(mapproxy, seed_file, "--seed", "test")
    assert done.returncode == 0, done.stdout + done.stderr
    tiles = {level: sorted((cache / str(level)).glob("*/*.png")) for level in (10, 11, 12)}
    assert {level: len(found) for level, found in tiles.items()} == {10: 1, 11: 4, 12: 16}
    assert tiles[10][0] == cache / "10" / str(x) / f"{y}.png"
    assert {p.parent.name for p in tiles[12]} == {str(4 * x + i) for i in range(4)}
