"""Open311 GeoReport v2 at /open311/v2/: existing Open311 clients and aggregators work unchanged.

- ``services.{fmt}``: the feedback categories (service_code is the category code);
- ``services/{code}.{fmt}``: a service definition (no extra attributes);
- ``requests.{fmt}``: GET lists requests (``service_request_id``, ``service_code``,
  ``start_date``, ``end_date``, ``status``; by default the last 90 days, at most 1000), a
  rejected or merged one closed with its fate in ``status_notes`` as by its id; POST
  files one with ``api_key`` (a key with the ``open311`` scope), ``service_code``,
  ``description`` and ``lat``/``long`` or ``address_string``; ``Idempotency-Key`` works as
  in the REST API, and the key doubles as the token;
- ``requests/{id}.{fmt}`` and ``tokens/{token}.{fmt}``.

Every answer is public: the location is the coarsened one, no reporter details, no address
text. ``service_request_id`` is the tracking code.
"""

from datetime import timedelta
from functools import wraps

from django.core.exceptions import SuspiciousOperation
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from apikeys import keys
from core.errors import (
    CommonMapError,
    Forbidden,
    InvalidParameter,
    MethodNotAllowed,
    NotFound,
    status_for,
)
from core.input_guard import body_limit, check_fields, check_request, upload_error
from core.middleware import RETRY_AFTER_S, unavailable_message
from feedback import queries
from feedback.intake import Submission, check_key, max_length, normalise_code
from feedback.models import OPEN_STATUSES, Channel, FeedbackCategory, FeedbackItem
from feedback.open311.render import errors, respond
from feedback.params import csv_values, parse_instant
from feedback.queries import RequestFilters
from feedback.services import PreparedReport, key_scope, service_account_actor, submit_report
from feedback.shapes import is_public, photo_positions
from layers.params import parse_lon_lat

# When this endpoint's behaviour last changed (the discovery document's "changeset").
CHANGESET = "2026-11-26T00:00:00+07:00"
DEFAULT_DAYS = 90


def georeport(view):
    """Domain errors and a database that is away become the specification's error
    documents, in the format asked for (the URLs admit only json and xml)."""

    @wraps(view)
    def wrapped(request, *args, fmt: str, **kwargs):
        try:
            # The middleware's checks, here so that their errors come in the format asked for.
            check_request(request, kwargs, body_limit(view))
            return view(request, *args, fmt=fmt, **kwargs)
        except CommonMapError as exc:
            return errors(fmt, status_for(exc), _description(exc))
        except SuspiciousOperation as exc:  # a form Django refused to read (too big, too many)
            error = upload_error(exc)
            if error is None:
                raise
            return errors(fmt, status_for(error), _description(error))
        except (OperationalError, InterfaceError):
            connection.close_if_unusable_or_obsolete()
            response = errors(fmt, 503, unavailable_message())
            response["Retry-After"] = str(RETRY_AFTER_S)
            return response

    wrapped.checks_own_input = True
    return csrf_exempt(wrapped)


def _description(exc: CommonMapError) -> str:
    candidates = exc.extra.get("candidates") if exc.extra else None
    if candidates:
        return f"{exc.message} " + "; ".join(c["label"] for c in candidates)
    return exc.message


def _service(category: FeedbackCategory, english: bool) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name_en if english else category.name_vi,
        "description": category.description_en if english else category.description_vi,
        "metadata": False,
        "type": "realtime",
        "keywords": "",
        "group": "",
    }


@georeport
def discovery(request, fmt: str):
    """The discovery document: where the GeoReport v2 endpoint is and what it speaks."""
    _method(request, "GET")
    endpoint = {
        "specification": "http://wiki.open311.org/GeoReport_v2",
        "url": request.build_absolute_uri("/open311/v2"),
        "changeset": CHANGESET,
        "type": "production",
        "formats": ["application/json", "text/xml"],
    }
    body = {
        "changeset": CHANGESET,
        "contact": _("Ho Chi Minh City hotline 1022"),
        "key_service": _("API keys are issued by the city's administrators."),
        "endpoints": [endpoint],
    }
    return respond(fmt, "discovery", body)


def _english() -> bool:
    return (get_language() or "").startswith("en")


@georeport
def services(request, fmt: str):
    """The service list: one service per active feedback category."""
    _method(request, "GET")
    english = _english()
    listed = [_service(c, english) for c in queries.active_categories()]
    return respond(fmt, "services", listed)


@georeport
def service_definition(request, code: str, fmt: str):
    """A service's definition: its code and (none of) its extra attributes."""
    _method(request, "GET")
    if not queries.active_categories().filter(code=code).exists():
        raise NotFound(_("No service {code}.").format(code=repr(code)))
    return respond(fmt, "service_definition", {"service_code": code, "attributes": []})


def _method(request, *allowed: str) -> None:
    if request.method not in allowed:
        raise MethodNotAllowed(
            _("{method} is not allowed here; use {allowed}.").format(
                method=request.method, allowed=" or ".join(allowed)
            )
        )


class Unauthorised(Forbidden):
    """No or a bad ``api_key`` (the specification answers 403)."""


def _status(item: FeedbackItem) -> str:
    return "open" if item.status in OPEN_STATUSES else "closed"


def _request_json(item: FeedbackItem, request, english: bool) -> dict:
    positions = photo_positions(item)
    point = item.public_geom
    notes = item.rejection_reason or ""
    if item.merged_into_id:
        notes = _("Merged into {code}.").format(code=item.merged_into.tracking_code)
    if item.paused_at is not None:
        # expected_datetime stays the deadline as it stands; it moves on when the clock runs.
        notes = _("Waiting for more information from the reporter: the deadline is paused.")
    return {
        "service_request_id": item.tracking_code,
        "status": _status(item),
        "status_notes": notes,
        "service_name": item.category.name_en if english else item.category.name_vi,
        "service_code": item.category.code,
        "description": item.description,
        "agency_responsible": item.ward.name,
        "service_notice": "",
        "requested_datetime": timezone.localtime(item.created_at),
        "updated_datetime": timezone.localtime(item.updated_at),
        "expected_datetime": timezone.localtime(item.deadline_at),
        "address": item.ward.name,
        "address_id": "",
        "zipcode": "",
        "lat": round(point.y, 7) if point else None,
        "long": round(point.x, 7) if point else None,
        # The photos of a rejected or merged request are not public (the URL would be a 404).
        "media_url": request.build_absolute_uri(
            reverse("feedback-photo", args=[item.tracking_code, positions[0]])
        )
        if positions and is_public(item)
        else "",
    }


def _filters(params) -> RequestFilters:
    """GeoReport v2's filters; without ``start_date`` and ``end_date``, the last 90 days."""
    ids = tuple(normalise_code(c) for c in csv_values(params, "service_request_id"))
    if ids:
        return RequestFilters(ids=ids)  # the other parameters are ignored (specification)
    status = params.get("status", "")
    wanted = {s.strip() for s in status.split(",")} if status else set()
    if not wanted <= {"open", "closed"}:
        raise InvalidParameter(_("'status' is open or closed."), parameter="status")
    start = parse_instant(params, "start_date", end=False)
    end = parse_instant(params, "end_date", end=True)
    if start is None and end is None:
        start = timezone.now() - timedelta(days=DEFAULT_DAYS)
    if start and end and start > end:
        raise InvalidParameter(_("'start_date' is after 'end_date'."), parameter="start_date")
    return RequestFilters(
        service_codes=csv_values(params, "service_code"),
        status=wanted.pop() if len(wanted) == 1 else None,
        start=start,
        end=end,
    )


def _list(request, fmt: str):
    english = _english()
    found = queries.georeport_requests(_filters(request.GET))
    return respond(fmt, "service_requests", [_request_json(i, request, english) for i in found])


def _service_account(request) -> keys.ServiceAccount:
    raw = keys.raw_key(request)
    if not raw:
        raise Unauthorised(_("An api_key is required to file a request."), parameter="api_key")
    try:
        account = keys.ServiceAccount(keys.find(raw))
    except keys.InvalidApiKey as exc:
        raise Unauthorised(exc.message, parameter="api_key") from None
    if not account.has_scope("open311"):
        raise Unauthorised(
            _("This API key is not for open311; its scopes are {scopes}.").format(
                scopes=", ".join(account.key.scopes)
            ),
            parameter="api_key",
        )
    return account


def _field(data, name: str, stored_as: str) -> str:
    """A form field, at most as long as the item's field it is stored in (400 naming it)."""
    value = data.get(name, "")
    limit = max_length(stored_as)
    if len(value) > limit:
        raise InvalidParameter(
            _("'{name}' is over {limit} characters.").format(name=name, limit=limit),
            parameter=name,
        )
    return value


def _reporter_name(data) -> str:
    """first_name and last_name, stored together as the reporter's name."""
    parts = (
        _field(data, "first_name", "reporter_name"),
        _field(data, "last_name", "reporter_name"),
    )
    name = " ".join(p for p in parts if p)
    if len(name) > max_length("reporter_name"):
        raise InvalidParameter(
            _("'first_name' and 'last_name' together are over {limit} characters.").format(
                limit=max_length("reporter_name")
            ),
            parameter="last_name",
        )
    return name


def _file(request, fmt: str):
    data = request.POST
    check_fields(data)
    account = _service_account(request)
    lon = lat = None
    if data.get("lat") not in (None, "") or data.get("long") not in (None, ""):
        lon, lat = parse_lon_lat(data.get("long"), data.get("lat"))
    submission = Submission(
        category=data.get("service_code", ""),
        description=data.get("description", ""),
        channel=Channel.OTHER,
        lon=lon,
        lat=lat,
        address_text=_field(data, "address_string", "address_text"),
        reporter_name=_reporter_name(data),
        reporter_phone=_field(data, "phone", "reporter_phone"),
        reporter_email=_field(data, "email", "reporter_email"),
        api_key=account.key,
        consent_purpose=_field(data, "consent_purpose", "consent_purpose"),
        consent_notice_version=_field(data, "consent_notice_version", "consent_notice_version"),
    )
    if not submission.category:
        raise InvalidParameter(_("'service_code' is required."), parameter="service_code")
    key = request.headers.get("Idempotency-Key")
    item, created = submit_report(
        service_account_actor(),
        PreparedReport(submission),
        scope=key_scope(account.key.prefix),
        key=key,
    )
    entry = {
        "service_request_id": item.tracking_code,
        "service_notice": _("Your report goes to {ward}; it is due by {deadline}.").format(
            ward=item.ward.name,
            deadline=timezone.localtime(item.deadline_at).strftime("%Y-%m-%d %H:%M"),
        ),
        "account_id": "",
    }
    if key:
        entry["token"] = key
    response = respond(fmt, "service_requests", [entry], 201 if created else 200)
    if not created:
        response["Idempotent-Replayed"] = "true"
    return response


@georeport
def requests(request, fmt: str) -> HttpResponse:
    """GET: public requests matching the filters. POST: file a request (api_key required)."""
    _method(request, "GET", "POST")
    if request.method == "POST":
        return _file(request, fmt)
    return _list(request, fmt)


@georeport
def request_detail(request, request_id: str, fmt: str):
    """One request, as a list of one (the specification's shape). As in the list, a
    rejected or merged request answers too (closed, with the reason or the item it went
    into), so that the client that filed it learns what became of it."""
    _method(request, "GET")
    item = queries.georeport_request(normalise_code(request_id))
    return respond(fmt, "service_requests", [_request_json(item, request, _english())])


@georeport
def token(request, token_id: str, fmt: str):
    """The request a token (the ``Idempotency-Key`` of a POST) became."""
    _method(request, "GET")
    check_key(token_id)
    item = queries.request_for_token(token_id)
    entry = {"service_request_id": item.tracking_code, "token": token_id}
    return respond(fmt, "service_requests", [entry])
