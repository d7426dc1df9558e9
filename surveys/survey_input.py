"""A staff request's survey fields (texts, window, area, questions) as plain values; each
problem a 400 naming the field."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from core.errors import InvalidParameter
from surveys.questions import QuestionDraft, parse_questions

TEXT_FIELDS = {"title_vi": 200, "title_en": 200, "description_vi": 5000, "description_en": 5000}
KNOWN = {*TEXT_FIELDS, "opens_at", "closes_at", "area", "questions"}


@dataclass
class SurveyInput:
    """The fields a request sets (absent ones are None); ``area`` is the raw area spec."""

    fields: dict
    area: dict | None
    questions: list[QuestionDraft] | None


def _when(data: dict, name: str) -> datetime:
    raw = data.get(name)
    value = parse_datetime(raw) if isinstance(raw, str) else None
    if value is None:
        raise InvalidParameter(
            _("'{field}' must be a date and time (ISO 8601), got {raw}.").format(
                field=name, raw=repr(raw)
            ),
            parameter=name,
        )
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def parse_survey(data: object, *, partial: bool) -> SurveyInput:
    """The fields of a create (``partial=False``: title, window and area required) or an
    edit request."""
    if not isinstance(data, dict):
        raise InvalidParameter(_("The body must be a JSON object."), parameter="body")
    for name in data:
        if name not in KNOWN:
            raise InvalidParameter(_("Unknown field '{field}'.").format(field=name), parameter=name)
    if not partial:
        for name in ("title_vi", "opens_at", "closes_at", "area"):
            if data.get(name) in (None, ""):
                raise InvalidParameter(
                    _("'{field}' is required.").format(field=name), parameter=name
                )
    fields = {}
    for name, limit in TEXT_FIELDS.items():
        if name not in data:
            continue
        value = data[name] if data[name] is not None else ""
        if not isinstance(value, str) or len(value) > limit:
            raise InvalidParameter(
                _("'{field}' must be text of at most {limit} characters.").format(
                    field=name, limit=limit
                ),
                parameter=name,
            )
        if name == "title_vi" and not value.strip():
            raise InvalidParameter(_("'{field}' is required.").format(field=name), parameter=name)
        fields[name] = value.strip()
    for name in ("opens_at", "closes_at"):
        if name in data:
            fields[name] = _when(data, name)
    area = data.get("area")
    if "area" in data and not isinstance(area, dict):
        raise InvalidParameter(
            _("'area' must be an object (wards, polygon or radius)."), parameter="area"
        )
    questions = parse_questions(data["questions"]) if "questions" in data else None
    return SurveyInput(fields=fields, area=area, questions=questions)


def check_window(opens_at: datetime, closes_at: datetime) -> None:
    """The window must close after it opens."""
    if closes_at <= opens_at:
        raise InvalidParameter(_("'closes_at' must be after 'opens_at'."), parameter="closes_at")
