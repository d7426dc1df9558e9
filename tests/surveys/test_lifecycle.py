"""Staff's side: create, edit while draft, publish, close; frozen questions; who may."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.surveys.conftest import SURVEYS, survey_body

pytestmark = pytest.mark.django_db


def _create(client, user, body):
    client.force_login(user)
    return client.post(SURVEYS, body, content_type="application/json")


def test_staff_create_a_draft_with_its_questions(client, staff, wards):
    response = _create(client, staff["city"], survey_body([wards[0].code]))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft"
    assert [q["kind"] for q in body["questions"]] == [
        "single",
        "scale",
        "number",
        "text",
        "multiple",
    ]
    assert body["ward_codes"] == [wards[0].code]
    assert body["area_geometry"]["type"] == "MultiPolygon"


def test_edit_a_draft_replaces_its_questions(client, staff, wards):
    survey = _create(client, staff["city"], survey_body([wards[0].code])).json()
    response = client.patch(
        f"{SURVEYS}{survey['id']}/",
        {"title_en": "Lights", "questions": [{"kind": "text", "text_vi": "Ý kiến"}]},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["title_en"] == "Lights"
    assert [q["text_vi"] for q in response.json()["questions"]] == ["Ý kiến"]


def test_publish_then_close(client, staff, wards):
    survey = _create(client, staff["city"], survey_body([wards[0].code])).json()
    published = client.post(f"{SURVEYS}{survey['id']}/publish/")
    assert published.status_code == 200
    assert published.json()["status"] == "published"
    closed = client.post(f"{SURVEYS}{survey['id']}/close/")
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"


def test_a_published_surveys_questions_are_frozen(client, staff, wards):
    survey = _create(client, staff["city"], survey_body([wards[0].code])).json()
    client.post(f"{SURVEYS}{survey['id']}/publish/")
    response = client.patch(
        f"{SURVEYS}{survey['id']}/",
        {"questions": [{"kind": "text", "text_vi": "Ý kiến"}]},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["detail"] == "The survey is published: its questions are frozen."


def test_a_published_survey_is_not_edited(client, staff, wards):
    survey = _create(client, staff["city"], survey_body([wards[0].code])).json()
    client.post(f"{SURVEYS}{survey['id']}/publish/")
    response = client.patch(
        f"{SURVEYS}{survey['id']}/", {"title_en": "X"}, content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json()["detail"] == "The survey is published: only a draft can be edited."


def test_publishing_needs_a_question(client, staff, wards):
    survey = _create(client, staff["city"], survey_body([wards[0].code], questions=[])).json()
    response = client.post(f"{SURVEYS}{survey['id']}/publish/")
    assert response.status_code == 409
    assert response.json()["detail"] == "A survey needs at least one question to be published."


def test_publishing_needs_a_window_not_yet_ended(client, staff, wards):
    past = timezone.now() - timedelta(days=1)
    body = survey_body(
        [wards[0].code],
        opens_at=(past - timedelta(days=1)).isoformat(),
        closes_at=past.isoformat(),
    )
    survey = _create(client, staff["city"], body).json()
    response = client.post(f"{SURVEYS}{survey['id']}/publish/")
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "The survey's window has already ended: move 'closes_at' first."
    )


def test_publishing_twice_is_refused(client, staff, wards):
    survey = _create(client, staff["city"], survey_body([wards[0].code])).json()
    client.post(f"{SURVEYS}{survey['id']}/publish/")
    response = client.post(f"{SURVEYS}{survey['id']}/publish/")
    assert response.status_code == 409
    assert response.json()["detail"] == ("Only a draft can be published; this survey is published.")


def test_closing_a_draft_is_refused(client, staff, wards):
    survey = _create(client, staff["city"], survey_body([wards[0].code])).json()
    response = client.post(f"{SURVEYS}{survey['id']}/close/")
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "Only a published survey can be closed; this one is draft."
    )


def test_a_window_closing_before_it_opens_is_refused(client, staff, wards):
    now = timezone.now()
    body = survey_body(
        [wards[0].code], opens_at=now.isoformat(), closes_at=(now - timedelta(hours=1)).isoformat()
    )
    response = _create(client, staff["city"], body)
    assert response.status_code == 400
    assert response.json()["parameter"] == "closes_at"
    assert response.json()["detail"] == "'closes_at' must be after 'opens_at'."


@pytest.mark.parametrize(
    ("question", "parameter", "detail"),
    [
        ({"kind": "poll", "text_vi": "?"}, "questions[0].kind", None),
        ({"kind": "text"}, "questions[0].text_vi", "'questions[0].text_vi' is required."),
        (
            {"kind": "single", "text_vi": "?", "choices": [{"code": "a", "vi": "A"}]},
            "questions[0].choices",
            "'questions[0].choices' must be a list of 2 to 50 choices.",
        ),
        (
            {
                "kind": "single",
                "text_vi": "?",
                "choices": [{"code": "a", "vi": "A"}, {"code": "a", "vi": "B"}],
            },
            "questions[0].choices[1].code",
            "'questions[0].choices[1].code': the code 'a' is used twice.",
        ),
        (
            {"kind": "number", "text_vi": "?", "min": 5, "max": 1},
            "questions[0].min",
            "'questions[0].min' must not be above 'max'.",
        ),
    ],
)
def test_bad_questions_are_refused_naming_the_field(
    client, staff, wards, question, parameter, detail
):
    response = _create(client, staff["city"], survey_body([wards[0].code], questions=[question]))
    assert response.status_code == 400
    assert response.json()["parameter"] == parameter
    if detail:
        assert response.json()["detail"] == detail


def test_an_unknown_ward_is_refused_naming_the_area(client, staff):
    response = _create(client, staff["city"], survey_body(["99999"]))
    assert response.status_code == 400
    assert response.json()["parameter"] == "area.wards"


def test_anonymous_callers_must_sign_in(client, wards):
    response = client.post(SURVEYS, survey_body([wards[0].code]), content_type="application/json")
    assert response.status_code == 401
    assert response.json()["detail"] == "Sign in as staff to manage surveys."


def test_users_without_the_permission_are_refused(client, staff, wards):
    response = _create(client, staff["nobody"], survey_body([wards[0].code]))
    assert response.status_code == 403
    assert response.json()["detail"] == (
        "Managing surveys needs the permission surveys.add_survey."
    )


def test_ward_staff_target_their_own_ward(client, staff, wards):
    response = _create(client, staff["ward"], survey_body([wards[0].code]))
    assert response.status_code == 201


def test_ward_staff_may_not_target_another_ward(client, staff, wards):
    response = _create(client, staff["ward"], survey_body([wards[0].code, wards[1].code]))
    assert response.status_code == 403
    assert response.json()["detail"] == (
        f"Ward staff may target only their own wards ({wards[0].code})."
    )


def test_ward_staff_do_not_see_other_wards_surveys(client, staff, wards, make_survey):
    other = make_survey([wards[1].code], publish=False)
    client.force_login(staff["ward"])
    assert client.get(f"{SURVEYS}{other.pk}/").status_code == 404
    assert client.post(f"{SURVEYS}{other.pk}/publish/").status_code == 404
    assert client.get(SURVEYS).json()["count"] == 0


def test_a_closed_survey_is_not_edited(client, staff, wards):
    survey = _create(client, staff["city"], survey_body([wards[0].code])).json()
    client.post(f"{SURVEYS}{survey['id']}/publish/")
    client.post(f"{SURVEYS}{survey['id']}/close/")
    response = client.patch(
        f"{SURVEYS}{survey['id']}/",
        {"closes_at": "2030-01-01T00:00:00Z"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["detail"] == "The survey is closed: only a draft can be edited."


def test_city_staff_list_every_survey(client, staff, wards, make_survey):
    make_survey([wards[0].code])
    make_survey([wards[1].code], publish=False)
    client.force_login(staff["city"])
    body = client.get(SURVEYS).json()
    assert body["count"] == 2
    assert {s["status"] for s in body["results"]} == {"draft", "published"}


def test_unknown_fields_are_refused(client, staff, wards):
    response = _create(client, staff["city"], {**survey_body([wards[0].code]), "colour": "red"})
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Unknown field 'colour'.",
        "code": "invalid_parameter",
        "parameter": "colour",
    }
