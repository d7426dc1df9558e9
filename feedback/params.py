"""The feedback APIs' parameters and body fields as plain values: text in, Python values out,
each refusal an ``InvalidParameter`` naming what was wrong. Shared by the REST API and
Open311, so a date means the same in both; no request objects here, only their mappings."""

from collections.abc import Mapping
from datetime import date, datetime, time

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from rest_framework import serializers

from core.errors import InvalidParameter
from core.schema import DeclaredParameter
from feedback.models import Status
from feedback.queries import SORT_DEADLINE, ItemFilters
from layers.params import parse_bbox, parse_lon_lat, within_postgresql_offsets

MAX_TEXT = 5000
FOUR_VALUES = r"^[^,]+(,[^,]+){3}$"
_TEXT = {"type": "string"}


def csv_values(params: Mapping, name: str) -> tuple[str, ...]:
    """A comma-separated parameter's values, blanks dropped (absent: none)."""
    raw = params.get(name) or ""
    return tuple(part.strip() for part in raw.split(",") if part.strip())


def parse_instant(params: Mapping, name: str, *, end: bool) -> datetime | None:
    """A date (its first or, with ``end``, its last moment) or a date-time; naive ones in
    the city's time zone. None when absent; InvalidParameter naming the parameter."""
    raw = params.get(name)
    if not raw:
        return None
    try:
        # A well-formed but impossible value (2025-02-30, T25:00, +25:00) raises ValueError.
        if len(raw) == len("YYYY-MM-DD"):
            # A day, checked first: parse_datetime reads one as its midnight, which would
            # make "created_before=<a day>" leave that day out.
            moment = datetime.combine(date.fromisoformat(raw), time.max if end else time.min)
        else:
            moment = parse_datetime(raw)
            if moment is None:
                raise ValueError(raw)
    except (ValueError, OverflowError):
        raise InvalidParameter(
            _(
                "'{name}' must be a date (YYYY-MM-DD) or a date-time such as "
                "2026-11-26T09:00:00+07:00, got {raw}."
            ).format(name=name, raw=repr(raw)),
            parameter=name,
        ) from None
    moment = timezone.make_aware(moment) if timezone.is_naive(moment) else moment
    return within_postgresql_offsets(moment)


def parse_item_filters(params: Mapping) -> ItemFilters:
    """The REST list's filters (``status``, ``ward``, ``category``, ``channel``,
    ``created_after``, ``created_before``, ``bbox``, ``overdue``, ``repeat``) and its order
    (``sort``), each checked."""
    statuses = csv_values(params, "status")
    unknown = [s for s in statuses if s not in Status.values]
    if unknown:
        raise InvalidParameter(
            _("Unknown status {status}; use {statuses}.").format(
                status=repr(unknown[0]), statuses=", ".join(Status.values)
            ),
            parameter="status",
        )
    after = parse_instant(params, "created_after", end=False)
    before = parse_instant(params, "created_before", end=True)
    bbox = parse_bbox(params["bbox"]) if params.get("bbox") else None
    overdue = params.get("overdue")
    if overdue not in (None, "", "true", "false"):
        raise InvalidParameter(_("'overdue' is true or false."), parameter="overdue")
    repeat = params.get("repeat")
    if repeat not in (None, "", "true", "false"):
        raise InvalidParameter(_("'repeat' is true or false."), parameter="repeat")
    sort = params.get("sort") or ""
    if sort not in ("", SORT_DEADLINE):
        raise InvalidParameter(
            _("'sort' is {deadline} (soonest deadline first) or absent (newest first).").format(
                deadline=SORT_DEADLINE
            ),
            parameter="sort",
        )
    return ItemFilters(
        statuses=statuses,
        wards=csv_values(params, "ward"),
        categories=csv_values(params, "category"),
        channels=csv_values(params, "channel"),
        created_after=after,
        created_before=before,
        bbox=bbox,
        overdue=None if overdue in (None, "") else overdue == "true",
        repeat=None if repeat in (None, "") else repeat == "true",
        sort=sort,
    )


class ItemListParams(serializers.Serializer):
    """The REST list's filters, declared once: this both documents them (in
    ``extend_schema(parameters=[...])``) and, through ``core.schema.read_query``, parses
    them into ``{"filters": ItemFilters}``."""

    ward = DeclaredParameter(_TEXT, "Ward codes, comma-separated.")
    status = DeclaredParameter(_TEXT, "Statuses, comma-separated (an unknown one is a 400).")
    category = DeclaredParameter(_TEXT, "Category codes, comma-separated.")
    channel = DeclaredParameter(_TEXT, "Channels, comma-separated.")
    created_after = DeclaredParameter(_TEXT, "A date or date-time (inclusive).")
    created_before = DeclaredParameter(_TEXT, "A date (all of it) or date-time (inclusive).")
    bbox = DeclaredParameter(
        {"type": "string", "pattern": FOUR_VALUES}, "minLon,minLat,maxLon,maxLat"
    )
    overdue = DeclaredParameter(
        {"type": "string", "enum": ["true", "false"]},
        "true: only items open past their deadline; false: all the others.",
    )
    repeat = DeclaredParameter(
        {"type": "string", "enum": ["true", "false"]},
        "true: only repeats of a recent resolution nearby; false: all the others.",
    )
    sort = DeclaredParameter(
        {"type": "string", "enum": [SORT_DEADLINE]},
        "deadline: the soonest deadline first; absent: newest first.",
    )

    def validate(self, attrs: dict) -> dict:
        """``{"filters": ItemFilters}``; InvalidParameter naming the one at fault."""
        return {"filters": parse_item_filters(self.initial_data)}


def json_object(data: object) -> Mapping:
    """A request body's fields: a JSON object or a form; any other JSON (a list, a string)
    is a 400 naming the body, before anything reads a field of it."""
    if not isinstance(data, dict):  # a QueryDict is a dict too
        raise InvalidParameter(
            _("The request body must be a JSON object (or a form), not {kind}.").format(
                kind=type(data).__name__
            ),
            parameter="body",
        )
    return data


def text_field(data: Mapping, name: str, maximum: int = MAX_TEXT) -> str:
    """A text field of a body ("" when absent or null); not text, or too long, is a 400."""
    value = data.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidParameter(_("'{name}' must be text.").format(name=name), parameter=name)
    if len(value) > maximum:
        raise InvalidParameter(
            _("'{name}' is over {limit} characters.").format(name=name, limit=maximum),
            parameter=name,
        )
    return value


def parse_location(data: Mapping) -> tuple[float | None, float | None]:
    """``location: {lon, lat}`` (JSON) or ``lon``/``lat`` fields (forms); (None, None) if none."""
    location = data.get("location")
    if isinstance(location, dict):
        return parse_lon_lat(location.get("lon"), location.get("lat"))
    if location not in (None, ""):
        raise InvalidParameter(
            _('\'location\' must be an object {"lon": ..., "lat": ...}.'), parameter="location"
        )
    if data.get("lon") in (None, "") and data.get("lat") in (None, ""):
        return None, None
    return parse_lon_lat(data.get("lon"), data.get("lat"))


def rating_value(raw: object) -> object:
    """A rating as sent: a whole number, or a form's digits as one; ``true`` is no number
    (the workflow refuses anything but 1 to 5, naming ``rating``)."""
    if isinstance(raw, str) and raw.strip().isdigit():
        return int(raw)
    if isinstance(raw, bool):
        return None
    return raw
