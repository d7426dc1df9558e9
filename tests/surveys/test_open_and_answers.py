"""Residents' side: the surveys open at a point (border, window edges, radius edge) and
one answer set per resident, changeable until close; every refusal with its message."""

from datetime import timedelta

import pytest
from django.utils import timezone
from pyproj import Geod

from core.errors import Conflict
from surveys import services
from surveys.models import AnswerSet
from tests.residents.helpers import service_headers, service_resident_key_of
from tests.surveys.conftest import inside

pytestmark = pytest.mark.django_db
OPEN = "/api/v1/surveys/open/"


def _answers(survey, **values) -> dict:
    ids = [str(q.pk) for q in survey.questions.all()]
    base = {ids[0]: "yes"}
    return {**base, **{ids[int(k[1:])]: v for k, v in values.items()}}


def _put(client, survey, lon, lat, answers, resident="r-1"):
    return client.put(
        f"/api/v1/surveys/{survey.pk}/answers/",
        {"lon": lon, "lat": lat, "answers": answers},
        content_type="application/json",
        **service_headers(resident),
    )


def test_open_lists_the_survey_at_a_point_inside(client, wards, make_survey):
    survey = make_survey([wards[0].code])
    lon, lat = inside(wards[0])
    body = client.get(OPEN, {"lon": lon, "lat": lat}).json()
    assert [s["id"] for s in body] == [survey.pk]
    assert body[0]["title"] == "Street lighting survey"
    assert body[0]["questions"][0]["choices"][0] == {"code": "yes", "label": "Yes"}


def test_open_speaks_vietnamese_by_default(vi_client, wards, make_survey):
    make_survey([wards[0].code])
    lon, lat = inside(wards[0])
    body = vi_client.get(OPEN, {"lon": lon, "lat": lat}).json()
    assert body[0]["title"] == "Khảo sát chiếu sáng"


def test_a_point_on_the_area_border_is_inside(client, wards, border_point, make_survey):
    survey = make_survey([wards[0].code])
    lon, lat = border_point
    assert [s["id"] for s in client.get(OPEN, {"lon": lon, "lat": lat}).json()] == [survey.pk]


def test_a_point_in_the_next_ward_is_outside(client, wards, make_survey):
    make_survey([wards[0].code])
    lon, lat = inside(wards[1])
    assert client.get(OPEN, {"lon": lon, "lat": lat}).json() == []


def test_drafts_are_not_open(client, wards, make_survey):
    make_survey([wards[0].code], publish=False)
    lon, lat = inside(wards[0])
    assert client.get(OPEN, {"lon": lon, "lat": lat}).json() == []


def test_the_window_opens_at_opens_at_and_ends_at_closes_at(wards, make_survey):
    survey = make_survey([wards[0].code])
    lon, lat = inside(wards[0])
    tick = timedelta(microseconds=1)
    assert services.open_surveys(lon, lat, now=survey.opens_at - tick) == []
    assert services.open_surveys(lon, lat, now=survey.opens_at) == [survey]
    assert services.open_surveys(lon, lat, now=survey.closes_at - tick) == [survey]
    assert services.open_surveys(lon, lat, now=survey.closes_at) == []


def test_a_radius_area_includes_its_edge(wards, make_survey):
    lon, lat = inside(wards[0])
    area = {"kind": "radius", "lon": lon, "lat": lat, "radius_m": 300}
    survey = make_survey([], area=area)
    geod = Geod(ellps="WGS84")
    edge_lon, edge_lat, _back = geod.fwd(lon, lat, 45, 300)
    past_lon, past_lat, _back = geod.fwd(lon, lat, 45, 301)
    assert services.open_surveys(edge_lon, edge_lat) == [survey]
    assert services.open_surveys(past_lon, past_lat) == []


def test_open_needs_lon_and_lat(client):
    response = client.get(OPEN, {"lat": "10.7"})
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Missing required parameter 'lon'.",
        "code": "invalid_parameter",
        "parameter": "lon",
    }


def test_first_answer_is_201_then_changes_are_200(client, wards, make_survey):
    survey = make_survey([wards[0].code])
    lon, lat = inside(wards[0])
    first = _put(client, survey, lon, lat, _answers(survey, q1=4))
    assert first.status_code == 201, first.json()
    assert first.json()["ward"] == wards[0].code
    second = _put(client, survey, lon, lat, _answers(survey, q1=2))
    assert second.status_code == 200
    stored = AnswerSet.objects.get(survey=survey)
    assert stored.resident_key == service_resident_key_of("r-1")
    assert stored.answers[str(survey.questions.all()[1].pk)] == 2
    assert "resident_key" not in second.json() and "point" not in second.json()


def test_two_residents_have_two_answer_sets(client, wards, make_survey):
    survey = make_survey([wards[0].code])
    lon, lat = inside(wards[0])
    _put(client, survey, lon, lat, _answers(survey), resident="r-1")
    _put(client, survey, lon, lat, _answers(survey), resident="r-2")
    assert AnswerSet.objects.filter(survey=survey).count() == 2


def test_answers_after_close_are_refused(client, wards, make_survey, city_actor):
    survey = make_survey([wards[0].code])
    lon, lat = inside(wards[0])
    _put(client, survey, lon, lat, _answers(survey))
    services.close(city_actor, survey.pk)
    response = _put(client, survey, lon, lat, _answers(survey))
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "The survey is closed: answers can no longer be given or changed."
    )


def test_answers_outside_the_area_are_refused(client, wards, make_survey):
    survey = make_survey([wards[0].code])
    lon, lat = inside(wards[1])
    response = _put(client, survey, lon, lat, _answers(survey))
    assert response.status_code == 409
    assert response.json()["detail"] == "This point is outside the survey's area."


def test_answers_before_the_window_are_refused(client, wards, make_survey):
    opens = timezone.now() + timedelta(days=1)
    survey = make_survey(
        [wards[0].code],
        opens_at=opens.isoformat(),
        closes_at=(opens + timedelta(days=1)).isoformat(),
    )
    lon, lat = inside(wards[0])
    response = _put(client, survey, lon, lat, _answers(survey))
    assert response.status_code == 409
    assert response.json()["detail"] == f"The survey opens at {survey.opens_at.isoformat()}."


def test_answers_after_the_window_are_refused(wards, make_survey):
    survey = make_survey([wards[0].code])
    lon, lat = inside(wards[0])
    with pytest.raises(Conflict) as refused:
        services.answer("k", survey.pk, lon, lat, _answers(survey), now=survey.closes_at)
    assert str(refused.value) == f"The survey closed at {survey.closes_at.isoformat()}."


def test_a_draft_cannot_be_answered(client, wards, make_survey):
    survey = make_survey([wards[0].code], publish=False)
    lon, lat = inside(wards[0])
    response = _put(client, survey, lon, lat, _answers(survey))
    assert response.status_code == 404
    assert response.json()["detail"] == f"No survey {survey.pk}."


def test_answering_needs_a_resident(client, wards, make_survey):
    survey = make_survey([wards[0].code])
    lon, lat = inside(wards[0])
    response = client.put(
        f"/api/v1/surveys/{survey.pk}/answers/",
        {"lon": lon, "lat": lat, "answers": _answers(survey)},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    ("index", "value", "detail"),
    [
        (0, None, "this question needs an answer."),
        (0, "maybe", "the answer must be one of: yes, no."),
        (1, 6, "the answer must be a whole number from 1 to 5."),
        (1, 2.5, "the answer must be a whole number from 1 to 5."),
        (2, 101, "the answer must be between 0 and 100."),
        (2, "3", "the answer must be a number."),
        (3, 7, "the answer must be text."),
        (4, [], "the answer must be a non-empty list of choice codes."),
        (4, ["dark", "dark"], "a choice is given twice."),
        (4, ["dusk"], "'dusk' is not one of: dark, broken, late."),
    ],
)
def test_bad_answers_are_refused_naming_the_question(
    client, wards, make_survey, index, value, detail
):
    survey = make_survey([wards[0].code])
    question = survey.questions.all()[index]
    answers = {**_answers(survey), str(question.pk): value}
    lon, lat = inside(wards[0])
    response = _put(client, survey, lon, lat, answers)
    assert response.status_code == 400
    assert response.json()["parameter"] == f"answers.{question.pk}"
    assert response.json()["detail"] == f"'answers.{question.pk}': {detail}"


def test_an_answer_to_no_such_question_is_refused(client, wards, make_survey):
    survey = make_survey([wards[0].code])
    lon, lat = inside(wards[0])
    response = _put(client, survey, lon, lat, {**_answers(survey), "0": "x"})
    assert response.status_code == 400
    assert response.json()["detail"] == "'answers.0': the survey has no such question."


def test_an_answer_at_the_opening_instant_is_taken(wards, make_survey):
    survey = make_survey([wards[0].code])
    lon, lat = inside(wards[0])
    _answer_set, created = services.answer(
        "k", survey.pk, lon, lat, _answers(survey), now=survey.opens_at
    )
    assert created


def test_answers_need_a_point(client, wards, make_survey):
    survey = make_survey([wards[0].code])
    response = _put(client, survey, None, 10.7, _answers(survey))
    assert response.status_code == 400
    assert response.json()["detail"] == "Missing required parameter 'lon'."


def test_answers_must_be_an_object(client, wards, make_survey):
    survey = make_survey([wards[0].code])
    lon, lat = inside(wards[0])
    response = _put(client, survey, lon, lat, ["yes"])
    assert response.status_code == 400
    assert response.json()["parameter"] == "answers"
    assert response.json()["detail"] == "'answers' must be an object of question id to answer."
