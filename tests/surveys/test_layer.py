"""The "survey_results" layer, declared once: wards with each survey's participation,
k-suppressed (with the ward that would give a small one away), as GeoJSON, OGC and tiles."""

import gzip
import json

import mapbox_vector_tile
import pytest

from surveys import services
from surveys.models import AnswerSet
from tests.surveys.conftest import inside
from tests.surveys.test_results import answered  # noqa: F401  (the fixture)
from tests.tiles.xyz import tile_of

pytestmark = pytest.mark.django_db

SLUG = "survey_results"
FEATURES = f"/api/v1/layers/{SLUG}/features/"


def _features(client, survey) -> dict[str, dict]:
    response = client.get(FEATURES)
    assert response.status_code == 200, response.content
    return {
        f["properties"]["code"]: f
        for f in response.json()["features"]
        if f["properties"]["survey"] == survey.pk
    }


def test_wards_show_how_many_answered(client, answered, wards):  # noqa: F811
    features = _features(client, answered)
    a, b = (features[w.code] for w in wards)
    assert a["geometry"]["type"] == "MultiPolygon"
    assert (a["properties"]["answered"], a["properties"]["suppressed"]) == (12, False)
    assert (b["properties"]["answered"], b["properties"]["suppressed"]) == (6, False)
    assert a["id"] == f"{answered.pk}-{wards[0].code}"


def test_a_small_ward_and_the_one_that_gives_it_away_are_suppressed(client, wards, make_survey):
    survey = make_survey([w.code for w in wards])
    q0 = str(survey.questions.all()[0].pk)
    for index, ward in enumerate([wards[0]] * 6 + [wards[1]] * 2):
        lon, lat = inside(ward)
        services.answer(f"r{index}", survey.pk, lon, lat, {q0: "yes"})
    features = _features(client, survey)
    assert [
        (features[w.code]["properties"]["answered"], features[w.code]["properties"]["suppressed"])
        for w in wards
    ] == [(None, True), (None, True)]


def test_drafts_are_not_in_the_layer(client, wards, make_survey):
    survey = make_survey([wards[0].code], publish=False)
    AnswerSet.objects.create(survey=survey, resident_key="k", point="POINT(0 0)", answers={})
    assert _features(client, survey) == {}


def test_no_resident_key_or_point_in_the_layer(client, answered):  # noqa: F811
    text = client.get(FEATURES).content.decode()
    assert AnswerSet.objects.first().resident_key not in text
    assert "resident" not in text


def test_a_vector_tile_carries_the_participation(client, answered, wards):  # noqa: F811
    x, y = tile_of(*inside(wards[0]), 14)
    response = client.get(f"/tiles/{SLUG}/14/{x}/{y}.mvt")
    assert response.status_code == 200
    data = response.content
    if response.get("Content-Encoding") == "gzip":
        data = gzip.decompress(data)
    features = mapbox_vector_tile.decode(data)[SLUG]["features"]
    mine = [f["properties"] for f in features if f["properties"]["code"] == wards[0].code]
    assert mine[0]["answered"] == 12


def test_the_ogc_collection_serves_it(client, answered):  # noqa: F811
    response = client.get(f"/ogc/collections/{SLUG}/items?f=json")
    assert response.status_code == 200
    body = json.loads(b"".join(response.streaming_content))
    assert {f["properties"]["survey"] for f in body["features"]} == {answered.pk}
