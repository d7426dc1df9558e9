"""From a request body to what the notice services take: ``NoticeInput``, checked field by
field, each refusal an ``InvalidParameter`` naming the field."""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from rest_framework import serializers

from core.errors import InvalidParameter
from core.schema import DeclaredParameter
from layers.models import AdministrativeArea, AreaLevel
from layers.params import within_postgresql_offsets
from layers.target_areas import TargetArea, target_area
from notices.models import Category, Severity, Status

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


_NAMES = (
    "category", "severity", "title_vi", "title_en", "body_vi", "body_en", "starts_at",
    "ends_at", "area",
)  # fmt: skip


def notice_input(data: object) -> NoticeInput:
    """The checked ``NoticeInput`` of a JSON body (texts first, the area last: it queries)."""
    checked = _checked(_body(data), _NAMES)
    return NoticeInput(**checked)


def notice_changes(data: object) -> dict:
    """The checked fields a PATCH body sends (a subset of the create body's), each checked
    as on create; ``area`` is a ``TargetArea``. The window is checked against the notice's
    own by ``check_window``; a body that sends none of the fields is a 400."""
    body = _body(data)
    present = tuple(name for name in _NAMES if name in body)
    if not present:
        raise InvalidParameter(
            _("The body changes nothing: send one or more of {names}.").format(
                names=", ".join(_NAMES)
            ),
            parameter="body",
        )
    return _checked(body, present)


def check_window(starts_at: datetime, ends_at: datetime, *, parameter: str = "ends_at") -> None:
    """A notice ends after it starts; a 400 naming ``parameter`` otherwise."""
    if ends_at <= starts_at:
        raise InvalidParameter(
            _("The notice must end after it starts (ends_at is not after starts_at)."),
            parameter=parameter,
        )


def _body(data: object) -> dict:
    if not isinstance(data, dict):
        raise InvalidParameter(_("The body must be a JSON object."), parameter="body")
    return data


def _checked(data: dict, names: tuple[str, ...]) -> dict:
    """The named fields checked in the create order; the window when both ends are sent."""
    checked: dict = {}
    for name in names:
        if name in ("category", "severity"):
            choices = Category.values if name == "category" else Severity.values
            default = Severity.INFO if name == "severity" else None
            checked[name] = _choice(data, name, choices, default)
        elif name in ("title_vi", "title_en"):
            checked[name] = _text(data, name, TITLE_MAX, required=name == "title_vi")
        elif name in ("body_vi", "body_en"):
            checked[name] = _text(data, name, BODY_MAX, required=name == "body_vi")
        elif name in ("starts_at", "ends_at"):
            checked[name] = _instant(data, name)
    if "starts_at" in checked and "ends_at" in checked:
        check_window(checked["starts_at"], checked["ends_at"])
    if "area" in names:  # last: it queries
        checked["area"] = target_area(data.get("area"), prefix="area")
    return checked


MANAGE_STATUSES = (Status.DRAFT, Status.PUBLISHED, Status.WITHDRAWN, "ended")
WARD_CODE_MAX = 10


class ManageListParams(serializers.Serializer):
    """The staff list's filters, declared once: they document the query and, through
    ``core.schema.read_query``, parse it into ``{"status": str | None, "ward": str | None}``."""

    status = DeclaredParameter(
        {"type": "string", "enum": list(MANAGE_STATUSES)},
        "draft; published (window not yet ended); ended (published, window over); withdrawn.",
    )
    ward = DeclaredParameter(
        {"type": "string", "maxLength": WARD_CODE_MAX},
        "A ward code: only notices whose area reaches this ward.",
    )

    def validate(self, attrs: dict) -> dict:
        """The two filters, each None when absent; a 400 naming the one at fault."""
        params = self.initial_data
        status = params.get("status") or None
        if status is not None and status not in MANAGE_STATUSES:
            raise InvalidParameter(
                _("Unknown status {status}; use one of {statuses}.").format(
                    status=repr(status[:40]), statuses=", ".join(MANAGE_STATUSES)
                ),
                parameter="status",
            )
        ward = (params.get("ward") or "").strip() or None
        if ward is not None and (
            len(ward) > WARD_CODE_MAX
            or not AdministrativeArea.objects.filter(code=ward, level=AreaLevel.WARD).exists()
        ):
            raise InvalidParameter(
                _("No ward with code {code}.").format(code=ward[:20]), parameter="ward"
            )
        return {"status": status, "ward": ward}


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
