"""Staff's question definitions, checked before they are stored: each problem a 400 naming
the field (``questions[2].choices[0].code``)."""

import math
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from core.errors import InvalidParameter
from surveys.models import CHOICE_KINDS, QuestionKind

MAX_QUESTIONS = 100
MAX_CHOICES = 50


@dataclass(frozen=True)
class QuestionDraft:
    """A checked question, ready to be stored."""

    kind: str
    required: bool
    text_vi: str
    text_en: str
    choices: list[dict] = field(default_factory=list)
    min_value: float | None = None
    max_value: float | None = None


def _text(data: dict, name: str, where: str, limit: int, *, required: bool = False) -> str:
    value = data.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidParameter(
            _("'{field}' must be text.").format(field=f"{where}.{name}"),
            parameter=f"{where}.{name}",
        )
    value = value.strip()
    if required and not value:
        raise InvalidParameter(
            _("'{field}' is required.").format(field=f"{where}.{name}"),
            parameter=f"{where}.{name}",
        )
    if len(value) > limit:
        raise InvalidParameter(
            _("'{field}' is longer than {limit} characters.").format(
                field=f"{where}.{name}", limit=limit
            ),
            parameter=f"{where}.{name}",
        )
    return value


def _bound(data: dict, name: str, where: str) -> float | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidParameter(
            _("'{field}' must be a number.").format(field=f"{where}.{name}"),
            parameter=f"{where}.{name}",
        )
    return float(value)


def _choices(raw: object, where: str) -> list[dict]:
    if not isinstance(raw, list) or not 2 <= len(raw) <= MAX_CHOICES:
        raise InvalidParameter(
            _("'{field}' must be a list of 2 to {most} choices.").format(
                field=f"{where}.choices", most=MAX_CHOICES
            ),
            parameter=f"{where}.choices",
        )
    choices, codes = [], set()
    for index, choice in enumerate(raw):
        here = f"{where}.choices[{index}]"
        if not isinstance(choice, dict):
            raise InvalidParameter(
                _("'{field}' must be an object {{code, vi, en}}.").format(field=here),
                parameter=here,
            )
        code = _text(choice, "code", here, 40, required=True)
        if code in codes:
            raise InvalidParameter(
                _("'{field}': the code '{code}' is used twice.").format(
                    field=f"{here}.code", code=code
                ),
                parameter=f"{here}.code",
            )
        codes.add(code)
        choices.append(
            {
                "code": code,
                "vi": _text(choice, "vi", here, 200, required=True),
                "en": _text(choice, "en", here, 200),
            }
        )
    return choices


def parse_question(data: object, where: str) -> QuestionDraft:
    """One question definition checked: its kind, texts, choices or bounds."""
    if not isinstance(data, dict):
        raise InvalidParameter(
            _("'{field}' must be an object.").format(field=where), parameter=where
        )
    kind = data.get("kind")
    if kind not in QuestionKind.values:
        raise InvalidParameter(
            _("'{field}' must be one of: {kinds}.").format(
                field=f"{where}.kind", kinds=", ".join(QuestionKind.values)
            ),
            parameter=f"{where}.kind",
        )
    required = data.get("required", False)
    if not isinstance(required, bool):
        raise InvalidParameter(
            _("'{field}' must be true or false.").format(field=f"{where}.required"),
            parameter=f"{where}.required",
        )
    draft = QuestionDraft(
        kind=kind,
        required=required,
        text_vi=_text(data, "text_vi", where, 500, required=True),
        text_en=_text(data, "text_en", where, 500),
    )
    if kind in CHOICE_KINDS:
        return QuestionDraft(**{**draft.__dict__, "choices": _choices(data.get("choices"), where)})
    if kind == QuestionKind.NUMBER:
        low, high = _bound(data, "min", where), _bound(data, "max", where)
        if low is not None and high is not None and low > high:
            raise InvalidParameter(
                _("'{field}' must not be above 'max'.").format(field=f"{where}.min"),
                parameter=f"{where}.min",
            )
        return QuestionDraft(**{**draft.__dict__, "min_value": low, "max_value": high})
    return draft


def parse_questions(raw: object) -> list[QuestionDraft]:
    """The ``questions`` list of a create or edit request, checked in order."""
    if not isinstance(raw, list) or len(raw) > MAX_QUESTIONS:
        raise InvalidParameter(
            _("'questions' must be a list of at most {most} questions.").format(most=MAX_QUESTIONS),
            parameter="questions",
        )
    return [parse_question(item, f"questions[{index}]") for index, item in enumerate(raw)]
