"""The upload API: /api/v1/imports/ — upload, the worker's job, its report, and the layer.

Uploads are real files from ``../shared/data`` (Natural Earth provinces of Viet Nam, GeoNames
places around Ho Chi Minh City) or built here from them; the worker is ``run_next()``, the
same call the ``import_worker`` loop makes. What the layer holds afterwards is read back
through the GeoJSON API, OGC API Features and a vector tile, and compared with the source
file as pyogrio reads it.
"""

import csv
import gzip
import json
import math
import unicodedata
import zipfile
from pathlib import Path

import mapbox_vector_tile
import pyogrio.raw
import pytest
import shapely
from django.contrib.auth.models import Permission, User
from django.utils import translation
from pyproj import Transformer

from importers.jobs import run_next
from importers.models import ImportJob
from layers.models import Feature, Layer
from tests.importers.conftest import IGNORE_BAD_WKT, PLACES_CSV, PROVINCES_SHP, write_csv
from tests.tiles.xyz import tile_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/imports/"
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")


# --- helpers and fixtures ----------------------------------------------------------------


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
    """Let the worker run the next job, and read it back through the API.

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


def places() -> list[dict]:
    with PLACES_CSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# --- who may upload ----------------------------------------------------------------------


def test_anonymous_upload_is_refused(client, provinces_zip):
    response = upload(client, provinces_zip, layer="tinh")
    body = error(response, 401, "not_authenticated")
    assert body["detail"] == "Sign in (HTTP Basic, a session or an API key) to do this."
    assert response["WWW-Authenticate"] == 'Basic realm="Common Map"'
    assert ImportJob.objects.count() == 0


def test_signed_in_user_without_the_permission_is_refused(client, provinces_zip):
    client.force_login(make_user("khach"))
    body = error(upload(client, provinces_zip, layer="tinh"), 403, "permission_denied")
    assert body["detail"] == "You do not have permission to perform this action."
    assert ImportJob.objects.count() == 0


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


# --- refused at upload -------------------------------------------------------------------


def test_geopackage_that_is_a_zip_is_refused_at_upload(client, staff, provinces_zip, tmp_path):
    fake = tmp_path / "tinh.gpkg"
    fake.write_bytes(provinces_zip.read_bytes())
    body = error(upload(client, fake, layer="tinh"), 400, "format_mismatch")
    assert body == {
        "detail": "'tinh.gpkg' is not a GeoPackage: its content looks like a ZIP archive.",
        "code": "format_mismatch",
        "parameter": "file",
        "hint": "If it is a ZIP archive, give it the .zip extension.",
    }
    assert ImportJob.objects.count() == 0


def test_upload_over_the_size_limit_is_refused(client, staff, settings):
    settings.COMMONMAP = {**settings.COMMONMAP, "IMPORT_MAX_FILE_BYTES": 1000}
    body = error(upload(client, PLACES_CSV, layer="diem-dan-cu"), 413, "file_too_large")
    assert body["detail"] == (
        "'geonames_cities500_hcmc_region.csv' is 0.0054 MB; the limit is 0.00095 MB."
    )
    assert ImportJob.objects.count() == 0


@pytest.mark.parametrize(
    ("fields", "parameter", "detail"),
    [
        (
            {"layer": "diem-dan-cu", "mode": "merge"},
            "mode",
            'mode: "merge" is not a valid choice.',
        ),
        ({}, "layer", "layer: This field is required."),
        (
            {"layer": "facilities"},
            "layer",
            "Layer 'facilities' is built in; files cannot be imported into it.",
        ),
        (
            {"layer": "diem-dan-cu", "mode": "upsert"},
            "key",
            "Upsert needs the key field that identifies a feature (--key).",
        ),
    ],
    ids=["unknown-mode", "missing-layer", "reserved-layer", "upsert-without-key"],
)
def test_bad_parameters_are_refused_naming_the_parameter(client, staff, fields, parameter, detail):
    body = error(upload(client, PLACES_CSV, **fields), 400, "invalid_parameter")
    assert body["parameter"] == parameter
    assert body["detail"] == detail
    assert ImportJob.objects.count() == 0


# --- refused by the job ------------------------------------------------------------------


def test_metres_without_a_crs_fail_the_job_naming_the_likely_system(client, staff, tmp_path):
    to_tm3 = Transformer.from_crs(4326, 9210, always_xy=True)
    rows = []
    for place in places():
        x, y = to_tm3.transform(float(place["longitude"]), float(place["latitude"]))
        rows.append([place["geonameid"], place["name"], f"{x:.2f}", f"{y:.2f}"])
    path = write_csv(tmp_path / "diem_vn2000.csv", ["geonameid", "name", "x", "y"], rows)

    job = import_file(client, path, layer="diem-dan-cu")
    assert job["status"] == "failed"
    assert job["report"] is None
    assert job["error"]["code"] == "crs_needed"
    assert job["error"]["parameter"] == "srs"
    assert "look like metres of a projected system" in job["error"]["detail"]
    assert "EPSG:9210 (VN-2000 / TM-3 105-45)" in job["error"]["detail"]
    assert job["error"]["hint"] == "State the coordinate system with --srs, e.g. --srs EPSG:9210."
    assert not Layer.objects.filter(slug="diem-dan-cu").exists()


def test_zip_entry_climbing_out_of_the_folder_fails_the_job(client, staff, tmp_path, import_dir):
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(PLACES_CSV, "diem.csv")
        archive.writestr("../evil.txt", "gotcha")

    job = import_file(client, path, layer="diem-dan-cu")
    assert job["status"] == "failed"
    assert job["error"] == {
        "detail": "'evil.zip' contains an entry with an unsafe path, '../evil.txt', "
        "that would be written outside the upload folder.",
        "code": "unsafe_file",
        "parameter": "file",
    }
    assert not Layer.objects.filter(slug="diem-dan-cu").exists()
    assert list(import_dir.iterdir()) == []  # a failed job's upload is removed too


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


def test_upload_is_removed_once_the_job_has_run(client, staff, import_dir):
    job = queued(upload(client, PLACES_CSV, layer="diem-dan-cu"))
    stored = import_dir / job["id"] / PLACES_CSV.name
    assert stored.read_bytes() == PLACES_CSV.read_bytes()
    run_job(client, job)
    assert not stored.parent.exists()


# --- who sees which job ------------------------------------------------------------------


def test_another_users_job_is_not_found(client, staff):
    job = queued(upload(client, PLACES_CSV, layer="diem-dan-cu"))
    client.force_login(make_user("minh", "add_importjob"))
    body = error(client.get(job["url"]), 404, "not_found")
    assert body["detail"] == f"No import job {job['id']}."


def test_a_user_who_may_view_import_jobs_sees_anothers_job(client, staff):
    job = queued(upload(client, PLACES_CSV, layer="diem-dan-cu"))
    client.force_login(make_user("quan-tri", "add_importjob", "view_importjob"))
    response = client.get(job["url"])
    assert response.status_code == 200, response.content
    assert response.json()["id"] == job["id"]


def test_job_list_shows_only_the_users_own_jobs(client, staff):
    own = queued(upload(client, PLACES_CSV, layer="diem-dan-cu"))
    client.force_login(make_user("minh", "add_importjob"))
    theirs = queued(upload(client, PLACES_CSV, layer="diem-khac"))
    response = client.get(URL)
    assert response.status_code == 200, response.content
    assert [job["id"] for job in response.json()] == [theirs["id"]]
    client.force_login(staff)
    assert [job["id"] for job in client.get(URL).json()] == [own["id"]]
