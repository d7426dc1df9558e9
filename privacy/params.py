"""Query parameters of the privacy API, declared once: they parse the query and document it
(``core.schema.read_query``)."""

from django.utils.translation import gettext as _
from rest_framework import serializers

from core.errors import InvalidParameter
from core.schema import DeclaredParameter
from feedback.intake import normalise_code
from feedback.params import parse_instant
from privacy.models import RequestStatus

_TEXT = {"type": "string"}
_BOOLEAN = {"type": "string", "enum": ["true", "false"]}


def _flag(raw: str | None, name: str) -> bool | None:
    if raw in (None, ""):
        return None
    if raw not in ("true", "false"):
        raise InvalidParameter(
            _("'{name}' must be true or false, got {raw}.").format(name=name, raw=repr(raw)),
            parameter=name,
        )
    return raw == "true"


class RequestListParams(serializers.Serializer):
    """Filters of the list of data requests."""

    overdue = DeclaredParameter(_BOOLEAN, "true: only requests still waiting past their due time.")
    status = DeclaredParameter(
        {"type": "string", "enum": RequestStatus.values}, "Only requests in this status."
    )

    def validate(self, attrs: dict) -> dict:
        """``{"overdue": bool | None, "status": str | None}``."""
        params = self.initial_data
        status = params.get("status") or None
        if status is not None and status not in RequestStatus.values:
            raise InvalidParameter(
                _("Unknown status {status}; use one of {statuses}.").format(
                    status=repr(status), statuses=", ".join(RequestStatus.values)
                ),
                parameter="status",
            )
        return {"overdue": _flag(params.get("overdue"), "overdue"), "status": status}


class AccessLogParams(serializers.Serializer):
    """Filters of the contact-access log."""

    item = DeclaredParameter(_TEXT, "A tracking code.")
    user = DeclaredParameter(_TEXT, "A username.")
    since = DeclaredParameter(_TEXT, "A date or date-time (inclusive).")

    def validate(self, attrs: dict) -> dict:
        """``{"item", "user", "since"}``, each None when absent."""
        params = self.initial_data
        return {
            "item": normalise_code(params.get("item") or "") or None,
            "user": (params.get("user") or "").strip() or None,
            "since": parse_instant(params, "since", end=False),
        }
