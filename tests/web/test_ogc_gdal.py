"""GDAL's own OGC API - Features client (the OAPIF driver of Debian's gdal-bin) against /ogc/.

``ogrinfo`` and ``ogr2ogr`` run as subprocesses against gunicorn on the test database
(``server_url``), so the data they see must be committed: the imported layers here are
created in a module fixture and deleted afterwards. The ORM is only used through
``read_db`` (Playwright may still hold an event loop in this thread, see conftest.py).

What GDAL 3.6 does with the API, as seen in its debug output: it reads ``/collections``
(Accept: application/json), then each collection's ``items`` link with ``limit=PAGE_SIZE``
and follows the ``next`` links; the landing page and ``/api`` (its ``service-desc``) only
when a filter needs the queryable properties. It knows nothing of Part 2 (CRS) and always
reads CRS84.
"""

import math
import os
import re
import sqlite3
import subprocess
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.auth.models import Permission, User
from django.contrib.gis.geos import Point, Polygon
from django.db.models import Q
from django.utils import timezone

from layers.models import AdministrativeArea, Facility, Feature, Layer
from layers.registry import registered_slugs

PUBLIC_SLUG = "gdal-tram-sac"
STAFF_SLUG = "gdal-noi-bo"
STAFF_USER, STAFF_PASSWORD = "gdal-staff", "gdal-staff-password-1"
GDAL_ENV = {
    **os.environ,
    "NO_PROXY": "127.0.0.1,localhost",
    "no_proxy": "127.0.0.1,localhost",
    "GDAL_HTTP_TIMEOUT": "30",
}
LAYER_LINE = re.compile(r"^\d+: (\S+) \(title: .*\)")


def _run(*args: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        list(args), capture_output=True, text=True, env=GDAL_ENV, timeout=120, check=False
    )
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result


def _listed(url: str, *options: str) -> list[str]:
    """The layer names ``ogrinfo -so`` lists for a dataset."""
    output = _run("ogrinfo", "-ro", "-so", *options, f"OAPIF:{url}").stdout
    return [m.group(1) for line in output.splitlines() if (m := LAYER_LINE.match(line))]


def _create_layers() -> None:
    public = Layer.objects.create(
        slug=PUBLIC_SLUG,
        title="Trạm sạc (GDAL)",
        geometry_type="Polygon",
        attribute_schema=[
            {"name": "ten", "type": "string"},
            {"name": "so_cong", "type": "integer"},
            {"name": "ghi_chu_noi_bo", "type": "string", "public": False},
        ],
    )
    for i in range(23):
        x, y = 106.70 + 0.002 * i, 10.77
        Feature.objects.create(
            layer=public,
            geom=Polygon.from_bbox((x, y, x + 0.001, y + 0.001)),
            attributes={"ten": f"Trạm {i}", "so_cong": i % 3, "ghi_chu_noi_bo": "bí mật"},
        )
    staff = Layer.objects.create(
        slug=STAFF_SLUG, title="Nội bộ (GDAL)", geometry_type="Point", is_public=False
    )
    Feature.objects.create(layer=staff, geom=Point(106.7, 10.77, srid=4326))
    user = User.objects.create_user(STAFF_USER, password=STAFF_PASSWORD)
    user.user_permissions.add(
        Permission.objects.get(codename="view_restricted_layer"),
        Permission.objects.get(codename="view_restricted_field"),
    )


def _delete_layers() -> None:
    Layer.objects.filter(slug__in=[PUBLIC_SLUG, STAFF_SLUG]).delete()
    User.objects.filter(username=STAFF_USER).delete()


@pytest.fixture(scope="module")
def imported_layers(read_db):
    """A public and a staff-only imported layer and a staff user, committed, then removed."""
    read_db(_delete_layers)  # leftovers of an interrupted run
    read_db(_create_layers)
    yield
    read_db(_delete_layers)


def _db_count(slug: str) -> int:
    """Features of a collection, counted with the ORM (independently of the API's SQL)."""
    if slug == "areas":
        today = timezone.localdate()
        return AdministrativeArea.objects.filter(
            Q(generation__valid_to__isnull=True) | Q(generation__valid_to__gte=today),
            generation__valid_from__lte=today,
        ).count()
    if slug == "facilities":
        return Facility.objects.count()
    return Feature.objects.filter(layer__slug=slug).count()


def _public_slugs() -> list[str]:
    imported = Layer.objects.filter(is_public=True, is_hidden=False).order_by("slug")
    return [*registered_slugs(), *imported.values_list("slug", flat=True)]


def test_ogrinfo_lists_every_public_collection(server_url, imported_layers, read_db):
    listed = _listed(f"{server_url}/ogc")
    assert listed == read_db(_public_slugs)
    assert PUBLIC_SLUG in listed
    assert STAFF_SLUG not in listed
    collections = requests.get(f"{server_url}/ogc/collections", timeout=10).json()
    assert listed == [c["id"] for c in collections["collections"]]


def test_ogrinfo_with_staff_credentials_lists_the_staff_only_layer(server_url, imported_layers):
    listed = _listed(f"{server_url}/ogc", "-oo", f"USERPWD={STAFF_USER}:{STAFF_PASSWORD}")
    assert STAFF_SLUG in listed
    assert PUBLIC_SLUG in listed


@pytest.mark.parametrize("collection", ["areas", "facilities", PUBLIC_SLUG])
def test_ogr2ogr_copies_a_whole_collection_page_by_page(
    server_url, imported_layers, read_db, tmp_path, collection
):
    first = requests.get(
        f"{server_url}/ogc/collections/{collection}/items", {"limit": "1"}, timeout=10
    ).json()
    matched = first["numberMatched"]
    assert matched == read_db(lambda: _db_count(collection))
    assert matched >= 3
    page_size = math.ceil(matched / 3)  # at least three pages, so that paging is exercised
    out = tmp_path / "copy.gpkg"
    result = _run(
        "ogr2ogr",
        "--debug",
        "on",
        "-f",
        "GPKG",
        str(out),
        f"OAPIF:{server_url}/ogc",
        collection,
        "-oo",
        f"PAGE_SIZE={page_size}",
    )
    fetched = [
        urlsplit(url)
        for url in re.findall(r"Fetch\((\S+)\)", result.stderr)
        if f"/collections/{collection}/items" in url
    ]
    offsets = {parse_qs(u.query).get("offset", ["0"])[0] for u in fetched}
    assert offsets == {str(page_size * i) for i in range(math.ceil(matched / page_size))}
    assert {parse_qs(u.query)["limit"][0] for u in fetched} == {str(page_size)}

    with sqlite3.connect(out) as gpkg:
        rows, distinct = gpkg.execute(
            f'SELECT count(*), count(DISTINCT "id") FROM "{collection}"'
            if collection == "areas"  # string ids: GDAL keeps them in an "id" field
            else f'SELECT count(*), count(DISTINCT fid) FROM "{collection}"'
        ).fetchone()
        columns = {row[1] for row in gpkg.execute(f'PRAGMA table_info("{collection}")')}
    assert rows == distinct == matched
    assert "staff_notes" not in columns
    assert "ghi_chu_noi_bo" not in columns


def test_gdal_pushes_a_property_filter_to_the_server(server_url, imported_layers, read_db):
    """With the queryables from /ogc/api, ``-where so_cong = 1`` becomes ``?so_cong=1``."""
    result = _run(
        "ogrinfo",
        "--debug",
        "on",
        "-ro",
        "-so",
        f"OAPIF:{server_url}/ogc",
        PUBLIC_SLUG,
        "-where",
        "so_cong = 1",
    )
    assert re.search(r"Fetch\(\S+/ogc/api\?f=json\)", result.stderr)
    assert re.search(rf"Fetch\(\S+/collections/{PUBLIC_SLUG}/items\S*so_cong=1", result.stderr)
    expected = read_db(
        lambda: Feature.objects.filter(layer__slug=PUBLIC_SLUG, attributes__so_cong=1).count()
    )
    assert f"Feature Count: {expected}" in result.stdout
    assert expected == 8
