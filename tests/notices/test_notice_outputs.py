"""The notices layer (GeoJSON, vector tiles, the tile cache) and the Atom feed per ward."""

import gzip
from datetime import timedelta

import mapbox_vector_tile
import pytest
from defusedxml import ElementTree
from django.test import Client
from django.utils import timezone

from feedback.workflow import actor_for
from notices import services
from notices.models import Notice
from tests.notices.conftest import inside
from tests.tiles.xyz import tile_of
from tiles.models import CachedTile

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
PUBLIC = {"category", "severity", "title_vi", "title_en", "area", "starts_at", "ends_at"}


def _area(ward) -> dict:
    return {"kind": "wards", "wards": [ward.code]}


def _layer_titles() -> list[str]:
    response = Client().get("/api/v1/layers/notices/features/")
    assert response.status_code == 200, response.content
    return sorted(f["properties"]["title_vi"] for f in response.json()["features"])


def test_the_layer_shows_published_notices_not_yet_ended(make_notice, people, wards):
    area = _area(wards[0])
    make_notice(area, title="live", severity="danger")
    make_notice(area, title="draft", publish=False)
    withdrawn = make_notice(area, title="withdrawn")
    services.withdraw(actor_for(people["city_staff"]), withdrawn.pk)
    ended = make_notice(area, title="ended")
    Notice.objects.filter(pk=ended.pk).update(ends_at=timezone.now() - timedelta(seconds=1))
    assert _layer_titles() == ["live"]
    (feature,) = Client().get("/api/v1/layers/notices/features/").json()["features"]
    assert set(feature["properties"]) == PUBLIC
    assert feature["properties"]["severity"] == "danger"
    assert feature["geometry"]["type"] == "MultiPolygon"


def _tile_features(client: Client, url: str) -> list[dict]:
    response = client.get(url)
    if response.status_code == 204:
        return []
    assert response.status_code == 200, response.content
    data = response.content
    if response.get("Content-Encoding") == "gzip":
        data = gzip.decompress(data)
    return mapbox_vector_tile.decode(data).get("notices", {}).get("features", [])


def test_the_layer_in_a_vector_tile_and_the_sweep_forgets_it(make_notice, wards):
    notice = make_notice(_area(wards[0]), title="live", severity="warning")
    x, y = tile_of(*inside(wards[0]), 14)
    url = f"/tiles/notices/14/{x}/{y}.mvt"
    client = Client()
    (feature,) = _tile_features(client, url)
    assert feature["properties"]["severity"] == "warning"
    assert feature["properties"]["title_vi"] == "live"
    # The window runs out with no write: the cached tile still shows it until the sweep.
    Notice.objects.filter(pk=notice.pk).update(ends_at=timezone.now() - timedelta(seconds=1))
    client.get(url)
    assert services.sweep_ended() == 1
    assert not CachedTile.objects.filter(layers__contains=["notices"], z=14, x=x, y=y).exists()
    assert _tile_features(client, url) == []
    assert services.sweep_ended() == 0  # once per notice


def _feed(code: str, lang: str | None = None):
    params = {"lang": lang} if lang else {}
    response = Client().get(f"/api/v1/notices/wards/{code}/feed.atom", params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/atom+xml")
    return ElementTree.fromstring(response.content)


def test_the_ward_feed_lists_its_notices_newest_first_in_vietnamese(make_notice, wards):
    first, second = wards
    make_notice(_area(first), title="Thứ nhất")
    make_notice(_area(first), title="Thứ hai")
    make_notice(_area(second), title="Bên cạnh")  # only touches the first ward
    make_notice(_area(first), title="Nháp", publish=False)
    feed = _feed(first.code)
    assert feed.tag == f"{ATOM}feed"
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "vi"
    assert first.name in feed.find(f"{ATOM}title").text
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["Thứ hai", "Thứ nhất"]
    assert entries[0].find(f"{ATOM}summary").text.startswith("Nội dung")
    terms = {c.get("term") for c in entries[0].findall(f"{ATOM}category")}
    assert terms == {"water_cut", "info"}


def test_the_ward_feed_in_english(make_notice, wards):
    make_notice(_area(wards[0]), title="Cắt nước")
    feed = _feed(wards[0].code, "en")
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    (entry,) = feed.findall(f"{ATOM}entry")
    assert entry.find(f"{ATOM}title").text == "Cắt nước (en)"
    assert entry.find(f"{ATOM}summary").text.startswith("Body")


def test_a_radius_notice_reaches_the_feed_of_the_ward_it_overlaps(make_notice, wards):
    lon, lat = inside(wards[0])
    make_notice({"kind": "radius", "lon": lon, "lat": lat, "radius_m": 50}, title="Tròn")
    titles = [e.find(f"{ATOM}title").text for e in _feed(wards[0].code).findall(f"{ATOM}entry")]
    assert titles == ["Tròn"]


def test_an_unknown_ward_feed_is_a_json_404():
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/notices/wards/00000/feed.atom")
    assert response.status_code == 404
    assert response.json() == {"detail": "No ward with code 00000.", "code": "not_found"}


def test_an_unknown_feed_language_is_refused(wards):
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get(
        f"/api/v1/notices/wards/{wards[0].code}/feed.atom", {"lang": "fr"}
    )
    assert response.status_code == 400
    assert response.json()["parameter"] == "lang"
