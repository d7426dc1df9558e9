"""The surveys admin: the list and a survey's page render; a published survey's questions
are frozen there; a draft's are checked by the API's rules; answer sets are only counted."""

import json

import pytest
from django.contrib.auth.models import User
from django.contrib.gis.geos import Point
from django.test import Client
from django.utils import timezone

from surveys.models import AnswerSet, Survey

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/surveys/survey/"
RESIDENT_KEY = "rk-3f9a7c0d1e2b4a5968776655443322110fedcba9"


@pytest.fixture
def admin_client() -> Client:
    """A signed-in superuser, in English."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(User.objects.create_superuser("quan_tri", "qt@example.org", "pw"))
    return client


@pytest.fixture
def answered(make_survey, wards) -> Survey:
    """A published survey of the first ward with one answer set."""
    survey = make_survey([wards[0].code])
    point = wards[0].geom.point_on_surface
    AnswerSet.objects.create(
        survey=survey,
        resident_key=RESIDENT_KEY,
        point=Point(point.x, point.y, srid=4326),
        ward=wards[0],
        answers={"1": "yes"},
    )
    return survey


def _change_url(survey: Survey) -> str:
    return f"{CHANGELIST}{survey.pk}/change/"


def _form(survey: Survey, **question_changes) -> dict:
    """The change form as a browser would post it, with the first question changed."""
    opens, closes = timezone.localtime(survey.opens_at), timezone.localtime(survey.closes_at)
    questions = list(survey.questions.order_by("order"))
    data = {
        "title_vi": survey.title_vi,
        "title_en": survey.title_en,
        "description_vi": survey.description_vi,
        "description_en": survey.description_en,
        "opens_at_0": opens.strftime("%Y-%m-%d"),
        "opens_at_1": opens.strftime("%H:%M:%S"),
        "closes_at_0": closes.strftime("%Y-%m-%d"),
        "closes_at_1": closes.strftime("%H:%M:%S"),
        "questions-TOTAL_FORMS": str(len(questions)),
        "questions-INITIAL_FORMS": str(len(questions)),
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
    }
    for index, question in enumerate(questions):
        fields = {
            "id": question.pk,
            "survey": survey.pk,
            "order": question.order,
            "kind": question.kind,
            "text_vi": question.text_vi,
            "text_en": question.text_en,
            "choices": json.dumps(question.choices),
            "min_value": "" if question.min_value is None else question.min_value,
            "max_value": "" if question.max_value is None else question.max_value,
        }
        if question.required:
            fields["required"] = "on"
        if index == 0:
            fields.update(question_changes)
        data.update({f"questions-{index}-{name}": value for name, value in fields.items()})
    return data


def test_the_changelist_renders_with_an_answer_count(admin_client, answered):
    response = admin_client.get(CHANGELIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert answered.title_vi in html and "column-answers" in html
    assert '<td class="field-answers">1</td>' in html


def test_a_published_surveys_page_renders_with_frozen_questions(admin_client, answered):
    response = admin_client.get(_change_url(answered))
    assert response.status_code == 200
    html = response.content.decode()
    question = answered.questions.order_by("order").first()
    assert question.text_vi in html
    assert 'name="questions-0-text_vi"' not in html  # shown, not as a field
    assert 'name="title_vi"' not in html


def test_a_published_surveys_question_cannot_be_changed(admin_client, answered):
    question = answered.questions.order_by("order").first()
    response = admin_client.post(_change_url(answered), _form(answered, text_vi="Đã sửa"))
    assert response.status_code in (200, 302)
    question.refresh_from_db()
    assert question.text_vi == "Đèn có đủ sáng không?"
    assert answered.questions.count() == 5


def test_a_published_surveys_question_cannot_be_deleted(admin_client, answered):
    form = _form(answered, DELETE="on")
    admin_client.post(_change_url(answered), form)
    assert answered.questions.count() == 5


def test_no_resident_key_appears_in_any_admin_page(admin_client, answered):
    pages = [
        CHANGELIST,
        _change_url(answered),
        f"{CHANGELIST}{answered.pk}/history/",
        "/admin/",
        "/admin/surveys/",
    ]
    for url in pages:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert RESIDENT_KEY not in response.content.decode(), url
    assert admin_client.get("/admin/surveys/answerset/").status_code == 404


def test_a_surveys_are_not_added_here_nor_published_ones_deleted(admin_client, answered):
    assert admin_client.get(f"{CHANGELIST}add/").status_code == 403
    assert admin_client.get(f"{CHANGELIST}{answered.pk}/delete/").status_code == 403
    assert Survey.objects.filter(pk=answered.pk).exists()


def test_a_drafts_question_is_changed(admin_client, make_survey, wards):
    draft = make_survey([wards[0].code], publish=False)
    response = admin_client.post(_change_url(draft), _form(draft, text_vi="  Đèn sáng không?  "))
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert draft.questions.order_by("order").first().text_vi == "Đèn sáng không?"


def test_a_drafts_question_is_checked_by_the_api_rules(admin_client, make_survey, wards):
    draft = make_survey([wards[0].code], publish=False)
    response = admin_client.post(_change_url(draft), _form(draft, choices="[]"))
    assert response.status_code == 200
    assert "choices" in response.content.decode()
    assert draft.questions.order_by("order").first().choices[0]["code"] == "yes"


def test_a_drafts_window_must_close_after_it_opens(admin_client, make_survey, wards):
    draft = make_survey([wards[0].code], publish=False)
    form = _form(draft)
    form["closes_at_0"], form["closes_at_1"] = form["opens_at_0"], form["opens_at_1"]
    response = admin_client.post(_change_url(draft), form)
    assert response.status_code == 200
    assert "&#x27;closes_at&#x27; must be after &#x27;opens_at&#x27;." in response.content.decode()
    assert Survey.objects.get(pk=draft.pk).closes_at == draft.closes_at
