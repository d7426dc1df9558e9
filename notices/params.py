"""From a request body to what the notice services take: ``NoticeInput``, checked field by
field, each refusal an ``InvalidParameter`` naming the field."""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from core.errors import InvalidParameter
from layers.params import within_postgresql_offsets
from layers.target_areas import TargetArea, target_area
from notices.models import Category, Severity

TITLE_MAX = 200
BODY_MAX = 5000


@dataclass(frozen=True)
class NoticeInput:
    """A notice as sent by staff, checked: texts, category, severity, area and window."""

    category: str
    severity: str
    title_vi: str
    title_en: str
    body_vi: str
    body_en: str
    area: TargetArea
    starts_at: datetime
    ends_at: datetime


def notice_input(data: object) -> NoticeInput:
    """The checked ``NoticeInput`` of a JSON body (texts first, the area last: it queries)."""
    if not isinstance(data, dict):
        raise InvalidParameter(_("The body must be a JSON object."), parameter="body")
    category = _choice(data, "category", Category.values, None)
    severity = _choice(data, "severity", Severity.values, Severity.INFO)
    title_vi = _text(data, "title_vi", TITLE_MAX, required=True)
    title_en = _text(data, "title_en", TITLE_MAX)
    body_vi = _text(data, "body_vi", BODY_MAX, required=True)
    body_en = _text(data, "body_en", BODY_MAX)
    starts_at = _instant(data, "starts_at")
    ends_at = _instant(data, "ends_at")
    if ends_at <= starts_at:
        raise InvalidParameter(
            _("The notice must end after it starts (ends_at is not after starts_at)."),
            parameter="ends_at",
        )
    area = target_area(data.get("area"), prefix="area")
    return NoticeInput(
        category, severity, title_vi, title_en, body_vi, body_en, area, starts_at, ends_at
    )


def parse_at(raw: str | None) -> datetime:
    """The ``at=`` of a query (ISO 8601, with an offset or in the city's time zone); now."""
    if raw in (None, ""):
        return timezone.now()
    return _parse_instant(raw, "at")


def _choice(data: dict, name: str, choices: list[str], default: str | None) -> str:
    value = data.get(name, default)
    if value not in choices:
        raise InvalidParameter(
            _("'{name}' must be one of: {choices}.").format(name=name, choices=", ".join(choices)),
            parameter=name,
        )
    return value


def _text(data: dict, name: str, limit: int, *, required: bool = False) -> str:
    value = data.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidParameter(_("'{name}' must be text.").format(name=name), parameter=name)
    value = value.strip()
    if required and not value:
        raise InvalidParameter(_("'{name}' is required.").format(name=name), parameter=name)
    if len(value) > limit:
        raise InvalidParameter(
            _("'{name}' is longer than {limit} characters.").format(name=name, limit=limit),
            parameter=name,
        )
    if "\x00" in value:
        raise InvalidParameter(_("'{name}' holds a NUL byte.").format(name=name), parameter=name)
    return value


def _instant(data: dict, name: str) -> datetime:
    raw = data.get(name)
    if not isinstance(raw, str) or not raw:
        raise InvalidParameter(
            _("'{name}' is required, as an ISO 8601 date and time.").format(name=name),
            parameter=name,
        )
    return _parse_instant(raw, name)


def _parse_instant(raw: str, name: str) -> datetime:
    try:
        moment = parse_datetime(raw.strip())
    except ValueError:
        moment = None
    if moment is None:
        raise InvalidParameter(
            _("'{name}' is not an ISO 8601 date and time: {raw}.").format(name=name, raw=raw[:40]),
            parameter=name,
        )
    try:
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        moment.astimezone(UTC)  # an instant Python can place (not before year 1 in UTC)
    except (OverflowError, ValueError):
        raise InvalidParameter(
            _("'{name}' is out of range: {raw}.").format(name=name, raw=raw[:40]),
            parameter=name,
        ) from None
    return within_postgresql_offsets(moment)
