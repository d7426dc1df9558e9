"""A resident's answers checked against the survey's questions: each problem a 400 naming
``answers.<question id>``. An absent or null answer (or blank text) is "not answered"."""

import math

from django.utils.translation import gettext as _

from core.errors import InvalidParameter
from surveys.models import Question, QuestionKind

TEXT_MAX = 2000


def _refuse(question: Question, message: str) -> InvalidParameter:
    name = f"answers.{question.pk}"
    return InvalidParameter(
        _("'{field}': {message}").format(field=name, message=message), parameter=name
    )


def _number(question: Question, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _refuse(question, _("the answer must be a number."))
    return value


def _checked(question: Question, value: object) -> object:
    codes = [choice["code"] for choice in question.choices]
    if question.kind == QuestionKind.SINGLE:
        if value not in codes:
            raise _refuse(
                question, _("the answer must be one of: {codes}.").format(codes=", ".join(codes))
            )
        return value
    if question.kind == QuestionKind.MULTIPLE:
        if not isinstance(value, list) or not value:
            raise _refuse(question, _("the answer must be a non-empty list of choice codes."))
        for code in value:
            if code not in codes:
                raise _refuse(
                    question,
                    _("'{code}' is not one of: {codes}.").format(code=code, codes=", ".join(codes)),
                )
        if len(set(value)) != len(value):
            raise _refuse(question, _("a choice is given twice."))
        return value
    if question.kind == QuestionKind.SCALE:
        number = _number(question, value)
        if number != int(number) or not 1 <= number <= 5:
            raise _refuse(question, _("the answer must be a whole number from 1 to 5."))
        return int(number)
    if question.kind == QuestionKind.NUMBER:
        number = _number(question, value)
        low, high = question.min_value, question.max_value
        if (low is not None and number < low) or (high is not None and number > high):
            raise _refuse(
                question,
                _("the answer must be between {low} and {high}.").format(
                    low="-∞" if low is None else f"{low:g}",
                    high="∞" if high is None else f"{high:g}",
                ),
            )
        return number
    if not isinstance(value, str):
        raise _refuse(question, _("the answer must be text."))
    if len(value) > TEXT_MAX:
        raise _refuse(
            question, _("the answer is longer than {limit} characters.").format(limit=TEXT_MAX)
        )
    return value.strip()


def check_answers(questions: list[Question], raw: object) -> dict[str, object]:
    """The answers keyed by question id (as text), each checked; unanswered ones left out."""
    if not isinstance(raw, dict):
        raise InvalidParameter(
            _("'answers' must be an object of question id to answer."), parameter="answers"
        )
    by_id = {str(question.pk): question for question in questions}
    for key in raw:
        if key not in by_id:
            raise InvalidParameter(
                _("'answers.{key}': the survey has no such question.").format(key=key),
                parameter=f"answers.{key}",
            )
    answers = {}
    for key, question in by_id.items():
        value = raw.get(key)
        if isinstance(value, str) and question.kind == QuestionKind.TEXT and not value.strip():
            value = None
        if value is not None:
            answers[key] = _checked(question, value)
        elif question.required:
            raise _refuse(question, _("this question needs an answer."))
    return answers
