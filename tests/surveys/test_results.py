"""Results computed by hand on a small data set (k = 5), suppression included, as JSON and
CSV; staff who manage the survey see them unsuppressed.

Ward A (12 residents) and ward B (6 residents) answer:
- q0 single a/b/c: A a×6 b×3 c×3; B a×5 b×1 c×0. City: a 11, b 4, c 3.
- q1 scale: A 5×6, 4×6 (mean 4.5); B 1,2,3,4,5,3 (mean 3). City mean 72/18 = 4.
- q2 text: A 4 answers, B 6. - q3 multiple x/y: A all x, 5 of them y too; B none.
"""

import csv
import io

import pytest

from surveys import services
from tests.residents.helpers import service_headers
from tests.surveys.conftest import inside

pytestmark = pytest.mark.django_db

QUESTIONS = [
    {
        "kind": "single",
        "text_vi": "Chọn một",
        "text_en": "Pick one",
        "choices": [{"code": c, "vi": c.upper(), "en": c.upper()} for c in "abc"],
    },
    {"kind": "scale", "text_vi": "Hài lòng"},
    {"kind": "text", "text_vi": "Góp ý"},
    {
        "kind": "multiple",
        "text_vi": "Chọn nhiều",
        "choices": [{"code": c, "vi": c.upper()} for c in "xy"],
    },
]


@pytest.fixture
def answered(wards, make_survey):
    """The survey of both wards, answered as in the module docstring."""
    a, b = wards
    survey = make_survey([a.code, b.code], questions=QUESTIONS)
    q0, q1, q2, q3 = (str(q.pk) for q in survey.questions.all())
    rows = []
    for i in range(12):
        answers = {q0: "abc"[0 if i < 6 else (1 if i < 9 else 2)], q1: 5 if i < 6 else 4}
        if i < 4:
            answers[q2] = f"ý kiến {i}"
        answers[q3] = ["x", "y"] if i < 5 else ["x"]
        rows.append((a, answers))
    for i, (choice, scale) in enumerate(zip("aaaaab", [1, 2, 3, 4, 5, 3], strict=True)):
        rows.append((b, {q0: choice, q1: scale, q2: f"góp ý {i}"}))
    for index, (ward, answers) in enumerate(rows):
        lon, lat = inside(ward)
        services.answer(f"resident-{index}", survey.pk, lon, lat, answers)
    return survey


def _choices(group: dict) -> dict:
    return {c["code"]: (c["count"], c["share"], c["suppressed"]) for c in group["choices"]}


def _by_ward(question: dict) -> dict:
    return {row["ward"]["code"]: row for row in question["wards"]}


def test_single_choice_results_with_complementary_suppression(client, answered, wards):
    q0 = client.get(f"/api/v1/surveys/{answered.pk}/results/").json()["questions"][0]
    assert q0["text"] == "Pick one"
    assert q0["overall"]["answered"] == 18
    assert _choices(q0["overall"]) == {
        "a": (11, round(11 / 18, 4), False),
        "b": (None, None, True),
        "c": (None, None, True),
    }
    ward_a, ward_b = (_by_ward(q0)[w.code] for w in wards)
    assert ward_a["answered"] == 12
    hidden = (None, None, True)
    assert _choices(ward_a) == {"a": (6, 0.5, False), "b": hidden, "c": hidden}
    # b=1 and c=0 are under k; a=5 would give them away (6 - 5), so it goes too.
    assert ward_b["answered"] == 6
    assert {code: v[2] for code, v in _choices(ward_b).items()} == {"a": True, "b": True, "c": True}


def test_scale_means_per_ward_and_city(client, answered, wards):
    q1 = client.get(f"/api/v1/surveys/{answered.pk}/results/").json()["questions"][1]
    assert q1["overall"] == {"answered": 18, "suppressed": False, "mean": 4.0}
    assert _by_ward(q1)[wards[0].code]["mean"] == 4.5
    assert _by_ward(q1)[wards[1].code]["mean"] == 3.0


def test_a_small_ward_is_not_given_away_by_the_city_total(client, answered, wards):
    q2 = client.get(f"/api/v1/surveys/{answered.pk}/results/").json()["questions"][2]
    assert q2["overall"] == {"answered": 10, "suppressed": False}
    # A's 4 is under k; B's 6 would give it away (10 - 6), so it is suppressed too.
    assert [(row["answered"], row["suppressed"]) for row in q2["wards"]] == [
        (None, True),
        (None, True),
    ]
    assert "ý kiến" not in str(q2)


def test_a_multiple_choice_picked_by_nearly_everyone_is_suppressed(client, answered):
    q3 = client.get(f"/api/v1/surveys/{answered.pk}/results/").json()["questions"][3]
    # x: all 12 picked it (0 did not: under k); y: 5 of 12 (7 did not).
    assert _choices(q3["overall"]) == {"x": (None, None, True), "y": (5, round(5 / 12, 4), False)}
    assert len(q3["wards"]) == 1


def test_staff_who_manage_the_survey_see_every_cell(client, answered, staff, wards):
    client.force_login(staff["city"])
    body = client.get(f"/api/v1/surveys/{answered.pk}/results/").json()
    assert body["suppressed_view"] is False
    ward_b = _by_ward(body["questions"][0])[wards[1].code]
    assert _choices(ward_b) == {
        "a": (5, round(5 / 6, 4), False),
        "b": (1, round(1 / 6, 4), False),
        "c": (0, 0.0, False),
    }


def test_ward_staff_of_another_ward_see_the_public_results(client, answered, staff):
    client.force_login(staff["ward"])
    assert client.get(f"/api/v1/surveys/{answered.pk}/results/").json()["suppressed_view"]


def test_results_as_csv(client, answered, wards):
    for url in (
        f"/api/v1/surveys/{answered.pk}/results/?format=csv",
        f"/api/v1/surveys/{answered.pk}/results.csv",
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
        q0 = str(answered.questions.all()[0].pk)
        city_a = [r for r in rows if r["question_id"] == q0 and not r["ward_code"]]
        assert [(r["choice_code"], r["count"], r["suppressed"]) for r in city_a] == [
            ("", "", "0"),
            ("a", "11", "0"),
            ("b", "", "1"),
            ("c", "", "1"),
        ]
        assert {r["answered"] for r in city_a} == {"18"}
        ward_b = [r for r in rows if r["question_id"] == q0 and r["ward_code"] == wards[1].code]
        assert {r["count"] for r in ward_b} == {""}


def test_a_drafts_results_do_not_exist_for_the_public(client, wards, make_survey):
    survey = make_survey([wards[0].code], publish=False)
    response = client.get(f"/api/v1/surveys/{survey.pk}/results/")
    assert response.status_code == 404
    assert response.json()["detail"] == f"No survey {survey.pk}."


def test_results_of_no_survey_are_404(client):
    assert client.get("/api/v1/surveys/99999999/results/").status_code == 404
    assert client.get(f"/api/v1/surveys/{2**64}/results.csv").status_code == 404


def test_answers_are_counted_in_their_ward_by_service_headers(client, wards, make_survey):
    survey = make_survey([wards[0].code])
    lon, lat = inside(wards[0])
    q0 = str(survey.questions.all()[0].pk)
    client.put(
        f"/api/v1/surveys/{survey.pk}/answers/",
        {"lon": lon, "lat": lat, "answers": {q0: "yes"}},
        content_type="application/json",
        **service_headers("only-one"),
    )
    body = client.get(f"/api/v1/surveys/{survey.pk}/results/").json()
    assert body["questions"][0]["overall"] == {
        "answered": None,
        "suppressed": True,
        "choices": [
            {"code": "yes", "label": "Yes", "count": None, "share": None, "suppressed": True},
            {"code": "no", "label": "No", "count": None, "share": None, "suppressed": True},
        ],
    }
