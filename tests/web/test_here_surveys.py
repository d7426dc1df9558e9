"""Surveys in the Here tab, in Chromium: a survey published for a ward is answered from the
page (all five kinds of question) and the answer is stored at the place's point; a point
outside its area gets no survey; a survey closed meanwhile shows the API's 409 reason."""

import pytest
import requests
from playwright.sync_api import expect

from feedback.workflow import actor_for
from surveys import services
from surveys.models import AnswerSet, Survey
from surveys.survey_input import parse_survey
from tests.web.helpers import assert_accessible
from tests.web.here_places import (
    choose_place,
    city_staff,
    make_city_staff,
    message_pattern,
    open_map,
    remove_city_staff,
    save_section_screenshots,
    two_wards,
    window,
)

pytestmark = pytest.mark.browser
TITLE = "Khảo sát chiếu sáng đường phố"


def survey_body(ward_code: str) -> dict:
    """A survey of one ward, open from an hour ago for a week, one question of each kind."""
    opens, closes = window()
    return {
        "title_vi": TITLE,
        "title_en": "Street lighting survey",
        "description_vi": "Ý kiến của bạn giúp phường sửa đèn.",
        "opens_at": opens.isoformat(),
        "closes_at": closes.isoformat(),
        "area": {"kind": "wards", "wards": [ward_code]},
        "questions": [
            {
                "kind": "single",
                "required": True,
                "text_vi": "Đèn có đủ sáng không?",
                "text_en": "Is the lighting enough?",
                "choices": [
                    {"code": "yes", "vi": "Có", "en": "Yes"},
                    {"code": "no", "vi": "Không", "en": "No"},
                ],
            },
            {"kind": "scale", "required": True, "text_vi": "Mức hài lòng về chiếu sáng"},
            {"kind": "number", "text_vi": "Số đèn hỏng gần nhà", "min": 0, "max": 100},
            {"kind": "text", "text_vi": "Góp ý thêm"},
            {
                "kind": "multiple",
                "text_vi": "Vấn đề gặp phải",
                "choices": [
                    {"code": "dark", "vi": "Tối", "en": "Dark"},
                    {"code": "broken", "vi": "Đèn hỏng", "en": "Broken"},
                    {"code": "late", "vi": "Bật muộn", "en": "Late"},
                ],
            },
        ],
    }


@pytest.fixture(scope="module")
def places(read_db):
    """Two neighbouring current wards with a point inside each."""
    return read_db(two_wards)


@pytest.fixture
def survey(read_db, places):
    """A survey published for the first ward (deleted with its answers afterwards)."""

    def make() -> Survey:
        actor = actor_for(make_city_staff())
        data = parse_survey(survey_body(places[0].code), partial=False)
        made = services.create_survey(actor, data)
        return services.publish(actor, made.pk)

    made = read_db(make)
    yield made
    read_db(lambda: (Survey.objects.filter(pk=made.pk).delete(), remove_city_staff()))


def question_ids(read_db, survey: Survey) -> dict[str, str]:
    """Question id (as the API keys answers) by kind."""
    rows = survey.questions.all()
    return read_db(lambda: {q.kind: str(q.pk) for q in rows})


def stored_answers(read_db, survey: Survey) -> list[tuple[dict, str | None]]:
    """(answers, ward code) of every answer set of the survey."""
    rows = AnswerSet.objects.filter(survey_id=survey.pk).select_related("ward")
    return read_db(lambda: [(a.answers, a.ward.code if a.ward else None) for a in rows])


def test_a_survey_open_here_is_answered_from_the_page_and_stored(
    webgl_page, server_url, resident_idp, read_db, places, survey, browser_errors
):
    page = webgl_page
    open_map(page, server_url, resident_idp.token("here-answerer-1"))
    choose_place(page, places[0])
    form = page.locator(f"form[data-survey='{survey.pk}']")
    expect(form.get_by_role("heading", name=TITLE)).to_be_visible()
    form.get_by_role("radio", name="Có").check()
    scale = form.get_by_role("group", name="Mức hài lòng về chiếu sáng")
    scale.get_by_role("radio", name="4").check()
    form.get_by_role("spinbutton", name="Số đèn hỏng gần nhà").fill("3")
    form.get_by_role("textbox", name="Góp ý thêm").fill("Cần thêm đèn ở hẻm")
    form.get_by_role("checkbox", name="Tối").check()
    form.get_by_role("checkbox", name="Bật muộn").check()
    assert_accessible(page, "here: survey filled in")
    form.locator("button[type=submit]").click()
    expect(form.locator(".here-survey-status")).to_have_text(message_pattern(page, "answered"))
    ids = question_ids(read_db, survey)
    expected = {
        ids["single"]: "yes",
        ids["scale"]: 4,
        ids["number"]: 3,
        ids["text"]: "Cần thêm đèn ở hẻm",
        ids["multiple"]: ["dark", "late"],
    }
    assert stored_answers(read_db, survey) == [(expected, places[0].code)]
    save_section_screenshots(page, "here-survey", "#here-surveys")
    assert browser_errors == []


def test_a_missing_required_answer_shows_the_api_reason_and_stores_nothing(
    webgl_page, server_url, resident_idp, read_db, places, survey, browser_errors
):
    page = webgl_page
    open_map(page, server_url, resident_idp.token("here-answerer-2"))
    choose_place(page, places[0])
    form = page.locator(f"form[data-survey='{survey.pk}']")
    form.get_by_role("radio", name="Không").check()  # the required scale is left out
    form.locator("button[type=submit]").click()
    scale_id = question_ids(read_db, survey)["scale"]
    expect(form.get_by_role("alert")).to_contain_text(f"answers.{scale_id}")
    refused = form.locator(f"fieldset[data-question='{scale_id}']")
    expect(refused).to_have_class("here-question here-invalid")
    assert_accessible(page, "here: survey refused")
    assert stored_answers(read_db, survey) == []
    assert [e for e in browser_errors if "400" not in e] == []


def test_a_point_outside_the_area_gets_no_survey(
    webgl_page, server_url, resident_idp, places, survey, browser_errors
):
    page = webgl_page
    open_map(page, server_url, resident_idp.token("here-answerer-3"))
    choose_place(page, places[1])
    expect(page.locator("#here-surveys-status")).to_have_text(message_pattern(page, "no-surveys"))
    expect(page.locator("form.here-survey")).to_have_count(0)
    assert browser_errors == []


def test_a_survey_closed_meanwhile_shows_the_api_409_reason(
    webgl_page, server_url, resident_idp, read_db, places, survey, browser_errors
):
    page = webgl_page
    open_map(page, server_url, resident_idp.token("here-answerer-4"))
    choose_place(page, places[0])
    form = page.locator(f"form[data-survey='{survey.pk}']")
    form.get_by_role("radio", name="Có").check()
    scale = form.get_by_role("group", name="Mức hài lòng về chiếu sáng")
    scale.get_by_role("radio", name="2").check()
    read_db(lambda: services.close(actor_for(city_staff()), survey.pk))
    token = resident_idp.token("here-answerer-4")
    form.locator("button[type=submit]").click()
    # The page says what the API says to anyone answering a closed survey.
    answer = requests.put(
        f"{server_url}/api/v1/surveys/{survey.pk}/answers/",
        json={"lon": places[0].lon, "lat": places[0].lat, "answers": {}},
        headers={"Authorization": f"Bearer {token}", "Accept-Language": "vi"},
        timeout=10,
    )
    assert answer.status_code == 409
    expect(form.get_by_role("alert")).to_have_text(answer.json()["detail"])
    assert_accessible(page, "here: survey closed")
    assert stored_answers(read_db, survey) == []
    assert [e for e in browser_errors if "409" not in e] == []
