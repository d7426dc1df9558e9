"""A survey's results per question, for the city and per ward: counts and shares of each
choice, the mean of scales and numbers, the count of text answers (never their text).

Counted by the SQL of ``sql/results_*.sql``; the public results are k-suppressed
(``surveys.suppression``): a suppressed cell is ``null`` with ``"suppressed": true``.
Staff who manage the survey get the same shape unsuppressed.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from layers.models import AdministrativeArea
from surveys.models import CHOICE_KINDS, Question, QuestionKind, Survey
from surveys.sql import load_sql
from surveys.suppression import Group, N, suppress

MEAN_KINDS = {QuestionKind.SCALE, QuestionKind.NUMBER}


def min_cell() -> int:
    """k: the fewest answers a published cell may count (``COMMONMAP_SURVEY_MIN_CELL``)."""
    return int(settings.COMMONMAP.get("SURVEY_MIN_CELL", 5))


@dataclass
class QuestionResult:
    """One question's groups: the city, and each ward (None: outside every ward)."""

    question: Question
    overall: Group
    wards: dict[int | None, Group]


def _rows(name: str, survey_id: int) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(load_sql(name), {"survey": survey_id})
        return cursor.fetchall()


def count_results(survey: Survey, *, suppressed: bool) -> list[QuestionResult]:
    """Every question's counts, k-suppressed unless ``suppressed`` is False."""
    questions = list(survey.questions.all())
    wards: dict[int, dict[int | None, Group]] = defaultdict(dict)
    for question_id, ward_id, answered, total in _rows("results_totals", survey.pk):
        wards[question_id][ward_id] = Group(
            n=answered, total=None if total is None else float(total)
        )
    for question_id, ward_id, choice, chosen in _rows("results_choices", survey.pk):
        wards[question_id][ward_id].counts[choice] = chosen
    results = []
    for question in questions:
        groups = wards.get(question.pk, {})
        codes = [choice["code"] for choice in question.choices]
        overall = Group(n=sum(g.n for g in groups.values()))
        if question.kind in MEAN_KINDS:
            overall.total = sum(g.total or 0.0 for g in groups.values())
        for code in codes:
            overall.counts[code] = sum(g.counts.get(code, 0) for g in groups.values())
        if suppressed:
            suppress(overall, list(groups.values()), codes, question.kind, min_cell())
        results.append(QuestionResult(question, overall, groups))
    return results


def _label(item: dict, language: str) -> str:
    return (item.get("en") if language == "en" else "") or item["vi"]


def group_json(question: Question, group: Group, language: str) -> dict:
    """One group's cells; suppressed ones null, with ``suppressed: true``."""
    hidden = group.is_hidden(N)
    body: dict = {"answered": None if hidden else group.n, "suppressed": hidden}
    if question.kind in MEAN_KINDS:
        body["mean"] = None if hidden or not group.n else round(group.total / group.n, 4)
    if question.kind in CHOICE_KINDS:
        choices = []
        for choice in question.choices:
            code = choice["code"]
            off = group.is_hidden(code)
            count = group.counts.get(code, 0)
            choices.append(
                {
                    "code": code,
                    "label": _label(choice, language),
                    "count": None if off else count,
                    "share": None if off or not group.n else round(count / group.n, 4),
                    "suppressed": off,
                }
            )
        body["choices"] = choices
    return body


def results_json(survey: Survey, language: str, *, suppressed: bool) -> dict:
    """The results document of the API (JSON)."""
    counted = count_results(survey, suppressed=suppressed)
    ward_ids = {ward_id for result in counted for ward_id in result.wards if ward_id}
    areas = AdministrativeArea.objects.filter(pk__in=ward_ids).only("code", "name")
    names = {area.pk: {"code": area.code, "name": area.name} for area in areas}
    questions = []
    for result in counted:
        question = result.question
        ordered = sorted(
            result.wards.items(),
            key=lambda item: (item[0] is None, (names.get(item[0]) or {}).get("code", "")),
        )
        questions.append(
            {
                "id": question.pk,
                "order": question.order,
                "kind": question.kind,
                "text": (question.text_en if language == "en" else "") or question.text_vi,
                "overall": group_json(question, result.overall, language),
                "wards": [
                    {"ward": names.get(ward_id), **group_json(question, group, language)}
                    for ward_id, group in ordered
                ],
            }
        )
    return {
        "survey": survey.pk,
        "status": survey.status,
        "min_cell": min_cell() if suppressed else None,
        "suppressed_view": suppressed,
        "questions": questions,
    }
