"""Writes reach the front cache: the database notifies at commit (tiles migration 0007),
``manage.py front_purger`` (a real subprocess on the test database) bans at the real
Varnish, and the changed answers show the write through the front within FRESH_S seconds
while the layer's other tiles stay HITs."""

import json
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import mapbox_vector_tile
import psycopg
import pytest
import requests
from django.contrib.gis.geos import Point
from django.db import connection

from feedback.models import FeedbackItem
from layers.models import AdministrativeArea, Feature, Layer
from tests.front.helpers import point_layer, remove_reports, request_from
from tests.tiles.mvt_client import BEN_THANH
from tests.tiles.xyz import tile_of
from tests.web.conftest import manage_env
from tiles.cache import clear
from tiles.front_purge import CHANNEL, conninfo_from

pytestmark = pytest.mark.django_db

FRESH_S = 3.0  # the freshness bound: a committed write shows through the front within it
ROOT = Path(__file__).resolve().parents[2]
Z = 14
FAR = (106.75, 10.85)  # about 9 km north-east of Bến Thành: other tiles at every zoom >= 9
CLOSED_PORT = 18150  # nothing listens here (this helper's port range): an unreachable front


def _start_purger(fronts: list[str], log: Path) -> subprocess.Popen:
    """``manage.py front_purger`` on the test database, once it has banned everything
    (on start) and listens."""
    env = manage_env()
    command = [sys.executable, "manage.py", "front_purger", "--again-after", "1"]
    for front in fronts:
        command += ["--front", front]
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)
    deadline = time.monotonic() + 60
    while "listening" not in log.read_text():
        assert process.poll() is None, log.read_text()
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.1)
    return process


def _stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def purger(front_url, tmp_path_factory) -> Iterator[Path]:
    """The purger for ``front_url``; yields its log."""
    log = tmp_path_factory.mktemp("purger") / "purger.log"
    process = _start_purger([front_url], log)
    yield log
    _stop(process)


def _get(url: str) -> requests.Response:
    return requests.get(url, headers={"Accept-Encoding": "gzip"}, timeout=60)


def _kept(url: str) -> requests.Response:
    """The answer, asked for until the front keeps it (the second asking is a HIT)."""
    _get(url)
    answer = _get(url)
    assert answer.headers["X-Cache"] == "HIT", (url, answer.status_code)
    return answer


def _within(seconds: float, check: Callable[[], bool]) -> float:
    """Seconds until ``check()`` is true, asking every 50 ms; fails after ``seconds``."""
    start = time.monotonic()
    while not check():
        assert time.monotonic() - start < seconds, f"not within {seconds} s"
        time.sleep(0.05)
    return time.monotonic() - start


def _features(answer: requests.Response, layer: str) -> list[dict]:
    if answer.status_code == 204:
        return []
    assert answer.status_code == 200, answer.text
    return mapbox_vector_tile.decode(answer.content).get(layer, {}).get("features", [])


def _tile(front_url: str, layer: str, lon: float, lat: float, dx: int = 0, dy: int = 0) -> str:
    x, y = tile_of(lon, lat, Z)
    return f"{front_url}/tiles/{layer}/{Z}/{x + dx}/{y + dy}.mvt"


@pytest.fixture
def listener() -> Iterator[psycopg.Connection]:
    """A connection of its own LISTENing to the purger's channel on the test database."""
    with psycopg.connect(conninfo_from(connection.settings_dict), autocommit=True) as listening:
        listening.execute(f"LISTEN {CHANNEL}")
        yield listening


def _heard(listening: psycopg.Connection, wait: float = 1.0) -> list[dict]:
    return [json.loads(n.payload) for n in listening.notifies(timeout=wait)]


@pytest.fixture
def places(committed) -> Iterator[str]:
    """A public imported layer: one point at Bến Thành, one at FAR."""
    slug = f"front-places-{uuid.uuid4().hex[:6]}"

    def create():
        point_layer(slug, "Places", [("chợ", BEN_THANH), ("xa", FAR)], public=True)

    committed(create)
    yield slug
    committed(lambda: Layer.objects.filter(slug=slug).delete())


def _drop_the_purgers_connection() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = 'commonmap front_purger' AND datname = current_database()"
        )
        assert cursor.fetchall() == [(True,)]


def _add_place(slug: str, name: str, lon: float, lat: float) -> None:
    layer = Layer.objects.get(slug=slug)
    Feature.objects.create(layer=layer, geom=Point(lon, lat, srid=4326), attributes={"ten": name})


# -- the database side ---------------------------------------------------------------


def test_a_committed_feature_notifies_its_layer_and_box(listener, places, committed):
    _heard(listener, 0.2)  # the layer's creation
    committed(lambda: _add_place(places, "mới", 106.7011, 10.7771))
    assert _heard(listener) == [{"layer": places, "bbox": [106.7011, 10.7771, 106.7011, 10.7771]}]


def test_a_rolled_back_write_notifies_nothing(listener):
    # Written in the test's own transaction, which is rolled back (a layer of its own: a
    # feature of a committed layer would hold that layer's row against its deletion).
    layer = Layer.objects.create(slug="front-never", title="Never", geometry_type="Point")
    Feature.objects.create(layer=layer, geom=Point(*BEN_THANH, srid=4326), attributes={})
    assert _heard(listener, 0.5) == []


def test_a_layer_row_change_forgets_the_layer_and_the_list_of_layers(listener, places, committed):
    _heard(listener, 0.2)
    committed(lambda: Layer.objects.filter(slug=places).update(title="Places (đổi tên)"))
    heard = _heard(listener)
    assert {"layer": places, "whole": True} in heard
    assert {"layer": "*", "whole": True} in heard
    committed(lambda: Layer.objects.filter(slug=places).update(title="Places (đổi tên)"))
    assert _heard(listener, 0.5) == []  # no change, no notification


def test_clearing_the_tile_cache_clears_the_front_too(listener, committed):
    _heard(listener, 0.2)
    committed(lambda: clear("notices"))
    heard = _heard(listener)
    assert sorted(heard, key=str) == [
        {"layer": "*", "whole": True},
        {"layer": "notices", "whole": True},
    ]


# -- through the front ---------------------------------------------------------------


def test_the_purger_survives_an_unreachable_front_and_a_lost_connection(
    front_url, places, committed, tmp_path
):
    log = tmp_path / "purger.log"
    process = _start_purger([f"http://127.0.0.1:{CLOSED_PORT}", front_url], log)
    try:
        here = _tile(front_url, places, *BEN_THANH)
        _kept(here)
        committed(lambda: _add_place(places, "một", 106.7011, 10.7771))
        _within(FRESH_S, lambda: len(_features(_get(here), places)) == 2)
        assert "unreachable" in log.read_text()
        time.sleep(1.2)  # past the second sending of those bans (--again-after 1)

        # The database drops its connection (as in a restart): it reconnects and, having
        # missed what was sent meanwhile, bans everything.
        _kept(here)
        committed(
            lambda: connection.cursor().execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = 'commonmap front_purger' AND datname = current_database()"
            )
        )
        _within(10, lambda: _get(here).headers["X-Cache"] == "MISS")
        assert process.poll() is None
        _kept(here)
        committed(lambda: _add_place(places, "hai", 106.7012, 10.7772))
        _within(FRESH_S, lambda: len(_features(_get(here), places)) == 3)
        assert "reconnecting" in log.read_text()
    finally:
        _stop(process)


def test_a_feature_written_to_a_layer_shows_through_the_front_in_time(
    front_url, purger, places, committed
):
    time.sleep(1.5)  # past the bans of the layer's creation and their second sending
    here, far = _tile(front_url, places, *BEN_THANH), _tile(front_url, places, *FAR)
    tilejson = f"{front_url}/tiles/{places}.json"
    assert len(_features(_kept(here), places)) == 1
    assert len(_features(_kept(far), places)) == 1
    _kept(tilejson)

    committed(lambda: _add_place(places, "mới", 106.7011, 10.7771))
    took = _within(FRESH_S, lambda: len(_features(_get(here), places)) == 2)
    print(f"feature -> tile through the front: {took:.2f} s")
    time.sleep(1.2)  # past the purger's second sending of the same bans (--again-after 1)
    assert _get(far).headers["X-Cache"] == "HIT"
    assert _get(tilejson).headers["X-Cache"] == "MISS"  # its bounds may have changed


def test_a_layer_made_staff_only_leaves_the_front_at_once(front_url, purger, places, committed):
    time.sleep(1.5)  # past the bans of the layer's creation and their second sending
    here, far = _tile(front_url, places, *BEN_THANH), _tile(front_url, places, *FAR)
    style = f"{front_url}/tiles/style.json"
    for url in (here, far, f"{front_url}/tiles/{places}.json", style):
        _kept(url)

    committed(lambda: Layer.objects.filter(slug=places).update(is_public=False))
    took = _within(FRESH_S, lambda: _get(here).status_code == 404)
    print(f"staff-only -> 404 through the front: {took:.2f} s")
    assert _get(far).status_code == 404
    assert _get(f"{front_url}/tiles/{places}.json").status_code == 404
    assert places not in _get(style).text  # the style was forgotten too ("*")


def test_a_feedback_report_shows_through_the_front_in_time(front_url, purger, committed):
    def a_point():
        ward = AdministrativeArea.objects.filter(
            generation__valid_to__isnull=True, level="ward"
        ).order_by("code")[5]
        point = ward.geom.point_on_surface
        return point.x, point.y

    lon, lat = committed(a_point)
    neighbours = [(d, d) for d in (-3, -2, 2, 3)]
    around = {d: _tile(front_url, "feedback", lon, lat, *d) for d in [(0, 0), *neighbours]}
    for url in around.values():
        _kept(url)
    report = {
        "category": "den-duong",
        "description": "Đèn đường hỏng (thử xoá cache front)",
        "location": {"lon": lon, "lat": lat},
    }
    status, _, body = request_from(
        "127.0.0.7",
        f"{front_url}/api/v1/feedback/items/",
        "POST",
        {"Content-Type": "application/json"},
        json.dumps(report).encode(),
    )
    assert status == 201, body
    code = json.loads(body)["tracking_code"]
    try:
        public = committed(lambda: FeedbackItem.objects.get(tracking_code=code).public_geom)
        shown = _tile(front_url, "feedback", public.x, public.y)

        def shows_it() -> bool:
            features = _features(_get(shown), "feedback")
            return any(f["properties"].get("tracking_code") == code for f in features)

        took = _within(FRESH_S, shows_it)
        print(f"report -> tile through the front: {took:.2f} s")
        time.sleep(1.2)  # past the purger's second sending of the same bans
        for d in neighbours:
            assert _get(around[d]).headers["X-Cache"] == "HIT", d
    finally:
        committed(lambda: remove_reports([code]))
