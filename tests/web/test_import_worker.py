"""The upload API end to end: gunicorn takes the file, a real task queue worker
(``manage.py procrastinate worker``) runs the job, and the layer is served — as ``make run``
and docker compose deploy it."""

import subprocess
import sys
import time
import uuid

import mapbox_vector_tile
import pytest
import requests
from django.contrib.auth.models import Permission, User

from layers.models import Layer
from tests.importers.conftest import PLACES_CSV
from tests.tiles.xyz import tile_of
from tests.web.conftest import ROOT, manage_env

pytestmark = pytest.mark.django_db


@pytest.fixture
def gis_staff(read_db):
    """A committed user with the upload permission (the server reads the test database)."""
    name, password = f"gis-{uuid.uuid4().hex[:8]}", uuid.uuid4().hex

    def create():
        user = User.objects.create_user(name, password=password)
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label="importers", codename="add_importjob")
        )
        return user.pk

    pk = read_db(create)
    yield name, password
    read_db(lambda: User.objects.filter(pk=pk).delete())


@pytest.fixture
def layer_slug(read_db):
    slug = f"e2e-places-{uuid.uuid4().hex[:6]}"
    yield slug

    def cleanup():
        Layer.objects.filter(slug=slug).delete()
        from importers.models import ImportJob

        ImportJob.objects.filter(params__layer=slug).delete()

    read_db(cleanup)


def _worker() -> subprocess.CompletedProcess:
    env = manage_env()
    return subprocess.run(
        [
            sys.executable,
            *("manage.py", "procrastinate", "worker", "--queues", "imports", "--one-shot"),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_upload_runs_in_the_worker_and_the_layer_is_served(server_url, gis_staff, layer_slug):
    auth = gis_staff
    with PLACES_CSV.open("rb") as handle:
        answer = requests.post(
            f"{server_url}/api/v1/imports/",
            auth=auth,
            data={"layer": layer_slug, "key": "geonameid"},
            files={"file": (PLACES_CSV.name, handle, "text/csv")},
            headers={"Accept-Language": "en"},
            timeout=30,
        )
    assert answer.status_code == 202, answer.text
    job_url = answer.headers["Location"]
    assert requests.get(job_url, auth=auth, timeout=10).json()["status"] == "queued"

    worker = _worker()
    assert worker.returncode == 0, worker.stderr

    deadline = time.monotonic() + 30
    job = requests.get(job_url, auth=auth, timeout=10).json()
    while job["status"] in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.5)
        job = requests.get(job_url, auth=auth, timeout=10).json()
    assert job["status"] == "succeeded", job
    assert job["report"]["imported"] == 86
    assert job["progress"]["percent"] == 100.0

    features = requests.get(job["links"]["geojson"], params={"page_size": 100}, timeout=10)
    assert features.status_code == 200
    body = features.json()
    names = {f["properties"]["name"] for f in body["features"]}
    assert len(body["features"]) == 86 and "Xuyên Mộc" in names

    ogc = requests.get(job["links"]["ogc"], params={"f": "json"}, timeout=10).json()
    assert ogc["numberMatched"] == 86

    z = 8
    x, y = tile_of(106.70, 10.78, z)
    tile = requests.get(f"{server_url}/tiles/{layer_slug}/{z}/{x}/{y}.mvt", timeout=10)
    assert tile.status_code == 200
    decoded = mapbox_vector_tile.decode(tile.content)
    assert decoded[layer_slug]["features"]


def test_upload_without_credentials_is_refused(server_url, layer_slug):
    with PLACES_CSV.open("rb") as handle:
        answer = requests.post(
            f"{server_url}/api/v1/imports/",
            data={"layer": layer_slug},
            files={"file": (PLACES_CSV.name, handle, "text/csv")},
            headers={"Accept-Language": "en"},
            timeout=30,
        )
    assert answer.status_code in (401, 403)
    assert answer.json()["code"] == "not_authenticated"
