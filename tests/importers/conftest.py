"""Shared helpers of the importer tests: real files (copies of ../shared/data), one runner
for the core, the upload API's client side, and the boundary files of ``--layer areas``."""

import zipfile
from pathlib import Path

import pytest
import shapely
from django.contrib.auth.models import Permission, User
from django.utils import translation
from shapely.geometry import mapping

from importers.params import ImportParams
from importers.services import run_import
from tests.importers.boundary_files import ogr2ogr, shape, wards, write_features
from tests.importers.queue import run_next

# Copies of ../shared/data (a clean clone has no ../shared): tests/data/README.md.
SHARED = Path(__file__).resolve().parents[1] / "data" / "shared"
PROVINCES_SHP = SHARED / "derived" / "shp_wgs84" / "ne_vnm_admin1.shp"
PROVINCES_GPKG = SHARED / "derived" / "ne_vnm_admin1.gpkg"
PROVINCES_KML = SHARED / "derived" / "ne_vnm_admin1.kml"
PROVINCES_CSV = SHARED / "derived" / "ne_vnm_admin1_wkt.csv"
PROVINCES_GEOJSON = SHARED / "natural_earth" / "ne_10m_admin1_vnm.geojson"
PLACES_CSV = SHARED / "geonames" / "geonames_cities500_hcmc_region.csv"
PLACES_GEOJSON = SHARED / "geonames" / "geonames_cities500_hcmc_region.geojson"
PYOGRIO_FIXTURES = SHARED / "pyogrio_fixtures"


def do_import(path, layer: str = "test-layer", **options):
    """Run the importer core on ``path`` (the same call the command and the API make)."""
    return run_import(ImportParams(path=path, layer=layer, **options))


@pytest.fixture
def importer():
    """The importer core as a test calls it: ``importer(path, layer=..., mode=...)``."""
    return do_import


def write_csv(path: Path, header: list[str], rows: list[list]) -> Path:
    """A UTF-8 CSV at ``path`` with a header line."""
    import csv

    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(header)
        out.writerows(rows)
    return path


def write_geojson(tmp_path: Path, geometries: list, name: str = "rows.geojson") -> Path:
    """A FeatureCollection file whose feature ``n`` (1-based) has the n-th geometry."""
    import json

    features = [
        {"type": "Feature", "properties": {"n": i + 1}, "geometry": g}
        for i, g in enumerate(geometries)
    ]
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


# GDAL warns when it drops an unparsable WKT; the importer then rejects the row.
IGNORE_BAD_WKT = pytest.mark.filterwarnings("ignore:Ignoring invalid WKT:RuntimeWarning")


@pytest.fixture
def markets_csv(tmp_path) -> Path:
    """Three markets as WKT points; row 2's WKT is cut short, so GDAL gives it no geometry."""
    return write_csv(
        tmp_path / "cho.csv",
        ["ma", "ten", "wkt"],
        [
            ["1", "Chợ Bến Thành", "POINT (106.6981 10.7725)"],
            ["2", "Chợ Bình Tây", "POINT (106.6506"],
            ["3", "Chợ Tân Định", "POINT (106.6903 10.7893)"],
        ],
    )


@pytest.fixture(autouse=True)
def english():
    """The core has no request to take a language from: the tests assert English messages
    (the site's default is Vietnamese; tests/importers/test_jobs.py checks that side)."""
    with translation.override("en"):
        yield


# --- the upload API, as staff use it (tests/importers/test_api*.py and the scenario tests) ---

URL = "/api/v1/imports/"
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")


@pytest.fixture(autouse=True)
def import_dir(settings, tmp_path) -> Path:
    """Uploads wait in the test's own folder, never in the project's run/imports."""
    folder = tmp_path / "uploads"
    settings.COMMONMAP = {**settings.COMMONMAP, "IMPORT_DIR": str(folder)}
    return folder


def make_user(username: str, *codenames: str) -> User:
    """A user holding the given permissions of the importers app."""
    user = User.objects.create_user(username)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="importers", codename__in=codenames)
    )
    return user


@pytest.fixture
def staff(client) -> User:
    """GIS staff, signed in, allowed to upload."""
    user = make_user("lan", "add_importjob")
    client.force_login(user)
    return user


@pytest.fixture
def provinces_zip(tmp_path) -> Path:
    """The provinces Shapefile with its sidecars in one zip, as staff upload it."""
    path = tmp_path / "tinh.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for suffix in SHAPEFILE_PARTS:
            part = PROVINCES_SHP.with_suffix(suffix)
            archive.write(part, part.name)
    return path


def upload(client, path: Path, **fields):
    """POST a file with the import's parameters as a multipart form."""
    with path.open("rb") as handle:
        return client.post(URL, {"file": handle, **fields})


def queued(response) -> dict:
    """The job body of an accepted upload."""
    assert response.status_code == 202, response.content
    return response.json()


def run_job(client, job: dict) -> dict:
    """Let the worker's steps run the next job (``tests/importers/queue.py``), and read it
    back through the API.

    The worker has no request to take a language from; English is set here because the
    tests assert English messages.
    """
    with translation.override("en"):
        ran = run_next()
    assert ran is not None and str(ran.id) == job["id"]
    response = client.get(job["url"])
    assert response.status_code == 200, response.content
    return response.json()


def import_file(client, path: Path, **fields) -> dict:
    """Upload and run: the finished job as the API shows it."""
    return run_job(client, queued(upload(client, path, **fields)))


def error(response, status: int, code: str) -> dict:
    """The error body, with its status and code checked."""
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    return body


# --- boundary files (tests/importers/test_boundar*.py) -----------------------------------


@pytest.fixture
def wards_in_vn2000(tmp_path) -> Path:
    """All wards, shrunk by 30 m, in a GeoPackage in VN-2000 / TM-3 105-45."""
    rows = []
    for ward in wards():
        shrunk = shapely.buffer(shape(ward), -0.0003)  # about 30 m
        rows.append(({"ma_xa": ward.code, "ten": ward.name}, mapping(shrunk)))
    source = write_features(tmp_path / "wards.geojson", rows)
    target = tmp_path / "ranh_gioi_xa.gpkg"
    ogr2ogr("-f", "GPKG", "-t_srs", "EPSG:9210", target, source)
    return target
