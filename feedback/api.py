"""The feedback REST API for the app and the staff tools (mounted at /api/v1/feedback/).

Who is asking decides what they get: staff see the items of their scope with the reporter's
details and the exact point; a signed-in resident sees their own; anyone with a tracking
code can follow the item's public view (``track/``). Every refusal is a domain error (400,
401, 403, 404, 409, 413, 422, 429) with its reason.
"""

from datetime import date, datetime, time

from django.contrib.gis.geos import Point, Polygon
from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apikeys.keys import ServiceAccount, require_scope
from core.clients import client_of
from core.errors import (
    Forbidden,
    InvalidParameter,
    NotAuthenticated,
    NotFound,
    json_errors,
)
from core.parsers import FormParser, JSONParser, MultiPartParser
from feedback import api_schema, duplicates, photos, places, ratelimit
from feedback.intake import (
    Submission,
    check_key,
    is_replay,
    normalise_code,
    replay,
    request_fingerprint,
    submit_once,
)
from feedback.models import (
    Channel,
    FeedbackCategory,
    FeedbackEvent,
    FeedbackItem,
    FeedbackPhoto,
    Role,
    Status,
)
from feedback.shapes import category_json, is_public, item_json
from feedback.workflow import Actor, actor_for, get_item, rate, transition, visible_items
from layers.params import parse_bbox, parse_lon_lat, within_postgresql_offsets
from logins.basic import basic_auth

PAGE_DEFAULT = 50
PAGE_MAX = 500


def request_actor(request, scope: str = "feedback") -> Actor:
    """The workflow actor of a request; a service account acts as an anonymous resident."""
    user = request.user
    if isinstance(user, ServiceAccount):
        require_scope(request, scope)
        return Actor(None, Role.RESIDENT)
    return actor_for(user)


def idempotency_scope(request) -> str:
    """Whose key space an ``Idempotency-Key`` is in: the user, the service account, or
    anonymous callers (whose keys are UUIDs; a reused key with another report is refused)."""
    user = request.user
    if isinstance(user, ServiceAccount):
        return f"key:{user.key.prefix}"
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return "anonymous"


def _text(data, name: str, maximum: int = 5000) -> str:
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


def body_fields(request) -> dict:
    """The request's fields: a JSON object or a form; any other JSON (a list, a string) is a
    400 naming the body, before anything reads a field of it."""
    data = request.data
    if not isinstance(data, dict):  # QueryDict is a dict too
        raise InvalidParameter(
            _("The request body must be a JSON object (or a form), not {kind}.").format(
                kind=type(data).__name__
            ),
            parameter="body",
        )
    return data


def _location(data) -> tuple[float | None, float | None]:
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


def submission_from(request, actor: Actor) -> Submission:
    """The submission a request body describes (JSON, or multipart with ``photos``)."""
    data = body_fields(request)
    default_channel = Channel.HOTLINE if actor.role == Role.OPERATOR else Channel.APP
    lon, lat = _location(data)
    files = request.FILES.getlist("photos") if hasattr(request, "FILES") else []
    photos.check_uploads([(f.name, f.size) for f in files])
    cleaned = photos.clean_photos([(f.name, f.read()) for f in files])
    user = request.user
    return Submission(
        category=_text(data, "category", 40),
        description=_text(data, "description"),
        channel=_text(data, "channel", 10) or default_channel,
        lon=lon,
        lat=lat,
        address_text=_text(data, "address", 500),
        reporter_name=_text(data, "reporter_name", 200),
        reporter_phone=_text(data, "reporter_phone", 40),
        reporter_email=_text(data, "reporter_email", 254),
        photos=tuple(cleaned),
        api_key=user.key if isinstance(user, ServiceAccount) else None,
    )


def _may_submit(actor: Actor) -> None:
    if actor.role == Role.LEADER:
        raise Forbidden(_("Leaders have read-only access: they cannot submit feedback."))


def _staff_or_owner_json(item: FeedbackItem, request, actor: Actor) -> dict:
    return item_json(item, request, private=True, actor=actor, language=get_language())


class LocationSchema(serializers.Serializer):
    """A point in WGS 84 (documentation only)."""

    lon = serializers.FloatField(min_value=-180, max_value=180)
    lat = serializers.FloatField(min_value=-90, max_value=90)


class SubmitSchema(serializers.Serializer):
    """A report as JSON (documentation only): a location, or an address for the hotline."""

    category = serializers.CharField(help_text="A code from categories/.")
    description = serializers.CharField()
    channel = serializers.ChoiceField(Channel.choices, required=False)
    location = LocationSchema(required=False)
    address = serializers.CharField(
        required=False, help_text="Instead of location: a ward or place name to resolve."
    )
    reporter_name = serializers.CharField(required=False, help_text="Private: staff only.")
    reporter_phone = serializers.CharField(required=False, help_text="Private: staff only.")
    reporter_email = serializers.EmailField(required=False, help_text="Private: staff only.")


class SubmitFormSchema(SubmitSchema):
    """A report as a multipart form (documentation only): lon/lat fields, and photos."""

    location = None
    lon = serializers.FloatField(min_value=-180, max_value=180, required=False)
    lat = serializers.FloatField(min_value=-90, max_value=90, required=False)
    photos = serializers.ListField(
        child=serializers.FileField(), required=False, max_length=5, help_text="JPEG, PNG, WebP."
    )


IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    str,
    location=OpenApiParameter.HEADER,
    description="A new UUID per report: retrying with the same key returns the same item.",
)


class CategoryList(APIView):
    """The feedback catalogue."""

    @extend_schema(responses=api_schema.CATEGORIES_RESPONSES, summary="Feedback categories")
    def get(self, request):
        language = get_language()
        categories = FeedbackCategory.objects.filter(is_active=True)
        return Response([category_json(c, language) for c in categories])


class ItemList(APIView):
    """Submit a report, or list the items you may see (staff: your scope; residents: yours)."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        request={"application/json": SubmitSchema, "multipart/form-data": SubmitFormSchema},
        parameters=[IDEMPOTENCY_HEADER],
        responses=api_schema.SUBMIT_RESPONSES,
        summary="Submit a feedback item",
    )
    def post(self, request):
        actor = request_actor(request)
        _may_submit(actor)
        key = request.headers.get("Idempotency-Key")
        scope = idempotency_scope(request)
        fingerprint = None
        if key:
            check_key(key)
            fingerprint = _fingerprint(request)
        # Before the photos are decoded: a refused caller costs a query or two, not a
        # re-encoding. Only a true retry (the same key with the same request) is not counted;
        # a key reused for another report is counted, then refused (422).
        if scope == "anonymous" and not (key and is_replay(scope, key, fingerprint)):
            ratelimit.hit(client_of(request))
        replayed = replay(scope, key, fingerprint) if key else None
        if replayed is not None:
            item, created = replayed, False
        else:
            submission = submission_from(request, actor)
            item, created = submit_once(
                submission, actor, scope=scope, key=key, fingerprint=fingerprint
            )
        if actor.user is not None:
            body = _staff_or_owner_json(item, request, actor)
        else:
            body = item_json(item, request, private=False, language=get_language())
        body["possible_duplicates"] = duplicates.nearby_open(
            item.category.code, item.geom, exclude=item.tracking_code
        )
        headers = {"Location": body["url"]}
        if not created:
            headers["Idempotent-Replayed"] = "true"
        return Response(body, status=201 if created else 200, headers=headers)

    @extend_schema(
        parameters=api_schema.LIST_PARAMS,
        responses=api_schema.LIST_RESPONSES,
        summary="Feedback items you may see, newest first",
        operation_id="feedback_items_list",
    )
    def get(self, request):
        actor = request_actor(request)
        if actor.user is None:
            raise NotAuthenticated(
                _("Sign in to list your feedback; the public map lists everyone's."),
                hint="/api/v1/layers/feedback/features/",
                headers={"WWW-Authenticate": 'Basic realm="Common Map"'},
            )
        items = filter_items(visible_items(actor), request.query_params)
        limit, offset = _page(request.query_params)
        total = items.count()
        page = items.select_related("category", "ward", "reporter", "merged_into", "api_key")
        page = page.prefetch_related(
            Prefetch("photos", queryset=FeedbackPhoto.objects.only("item_id", "position")),
            Prefetch("events", queryset=FeedbackEvent.objects.select_related("actor")),
        )[offset : offset + limit]
        results = [_staff_or_owner_json(item, request, actor) for item in page]
        return Response(
            {
                "count": total,
                "limit": limit,
                "offset": offset,
                "next": _next(request, offset, limit, total),
                "results": results,
            }
        )


def _fingerprint(request) -> str:
    """The request as sent (fields and photo bytes, nothing decoded), for Idempotency-Key."""
    data = body_fields(request)
    photos_sent = request.FILES.getlist("photos") if hasattr(request, "FILES") else []
    if hasattr(data, "lists"):  # a form; DRF puts its files in ``data`` too
        data = {name: values for name, values in data.lists() if name not in request.FILES}
    return request_fingerprint(data, photos_sent)


def _csv(params, name: str) -> list[str]:
    raw = params.get(name, "")
    return [part.strip() for part in raw.split(",") if part.strip()]


def parse_instant(params, name: str, *, end: bool):
    """A date (its first or, with ``end``, its last moment) or a date-time; naive ones in
    the city's time zone. None when absent; InvalidParameter naming the parameter."""
    raw = params.get(name)
    if not raw:
        return None
    try:
        # A well-formed but impossible value (2025-02-30, T25:00, +25:00) raises ValueError.
        moment = parse_datetime(raw)
        if moment is None:
            moment = datetime.combine(date.fromisoformat(raw), time.max if end else time.min)
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


def filter_items(items, params):
    """The items matching the list's filters (each checked, with a precise error)."""
    statuses = _csv(params, "status")
    unknown = [s for s in statuses if s not in Status.values]
    if unknown:
        raise InvalidParameter(
            _("Unknown status {status}; use {statuses}.").format(
                status=repr(unknown[0]), statuses=", ".join(Status.values)
            ),
            parameter="status",
        )
    if statuses:
        items = items.filter(status__in=statuses)
    if wards := _csv(params, "ward"):
        items = items.filter(ward__code__in=wards)
    if categories := _csv(params, "category"):
        items = items.filter(category__code__in=categories)
    if channels := _csv(params, "channel"):
        items = items.filter(channel__in=channels)
    after = parse_instant(params, "created_after", end=False)
    before = parse_instant(params, "created_before", end=True)
    if after:
        items = items.filter(created_at__gte=after)
    if before:
        items = items.filter(created_at__lte=before)
    if params.get("bbox"):
        box = Polygon.from_bbox(parse_bbox(params["bbox"]))
        box.srid = 4326
        items = items.filter(geom__intersects=box)
    overdue = params.get("overdue")
    if overdue not in (None, ""):
        if overdue not in ("true", "false"):
            raise InvalidParameter(_("'overdue' is true or false."), parameter="overdue")
        late = items.filter(
            status__in=[Status.RECEIVED, Status.ACCEPTED, Status.IN_PROGRESS],
            deadline_at__lt=timezone.now(),
        )
        items = late if overdue == "true" else items.exclude(pk__in=late.values("pk"))
    return items.order_by("-created_at", "-id")


def _page(params) -> tuple[int, int]:
    values = []
    # An offset beyond PostgreSQL's bigint would be a database error, not an empty page.
    for name, default, maximum in (("limit", PAGE_DEFAULT, PAGE_MAX), ("offset", 0, 2**63 - 1)):
        raw = params.get(name, "")
        try:
            value = int(raw) if raw != "" else default
        except ValueError:
            value = -1
        if value < 0 or (name == "limit" and value == 0) or (maximum and value > maximum):
            raise InvalidParameter(
                _("'{name}' must be a whole number from {low} to {high}.").format(
                    name=name, low=1 if name == "limit" else 0, high=maximum or "∞"
                ),
                parameter=name,
            )
        values.append(value)
    return values[0], values[1]


def _next(request, offset: int, limit: int, total: int) -> str | None:
    if offset + limit >= total:
        return None
    params = request.query_params.copy()
    params["offset"] = str(offset + limit)
    params["limit"] = str(limit)
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


class ItemDetail(APIView):
    """One item with its timeline, for staff in scope and its reporter (404 otherwise)."""

    @extend_schema(responses=api_schema.DETAIL_RESPONSES, summary="A feedback item (staff, owner)")
    def get(self, request, code: str):
        actor = request_actor(request)
        item = get_item(actor, normalise_code(code))
        return Response(_staff_or_owner_json(item, request, actor))


class Track(APIView):
    """The public view of an item, for anyone with its tracking code."""

    @extend_schema(responses=api_schema.TRACK_RESPONSES, summary="Follow an item by its code")
    def get(self, request, code: str):
        item = public_item(normalise_code(code))
        return Response(item_json(item, request, private=False, language=get_language()))


def public_item(code: str) -> FeedbackItem:
    """An item by tracking code, for the public view (every status: the code is the key)."""
    item = (
        FeedbackItem.objects.select_related("category", "ward", "merged_into")
        .filter(tracking_code=code)
        .first()
    )
    if item is None:
        raise NotFound(_("No feedback item {code}.").format(code=code))
    return item


class TransitionSchema(serializers.Serializer):
    """A workflow step (documentation only)."""

    to = serializers.ChoiceField(Status.choices)
    note = serializers.CharField(required=False, help_text="Public: on the tracking page.")
    internal_note = serializers.CharField(
        required=False, help_text="Staff only: never on the tracking page, Open311 or public."
    )
    reason = serializers.CharField(required=False, help_text="Required to reject.")
    merge_into = serializers.CharField(required=False, help_text="Required to merge.")


class Transitions(APIView):
    """Move an item along its workflow (staff; the reporter confirms or reopens)."""

    @extend_schema(
        request=TransitionSchema,
        responses=api_schema.STEP_RESPONSES,
        summary="Take a workflow step",
    )
    def post(self, request, code: str):
        actor = request_actor(request)
        if actor.user is None:
            raise NotFound(_("No feedback item {code}.").format(code=code))
        data = body_fields(request)
        item = transition(
            actor,
            normalise_code(code),
            _text(data, "to", 20),
            _text(data, "note"),
            reason=_text(data, "reason"),
            merge_into=normalise_code(_text(data, "merge_into", 20)) or None,
            internal_note=_text(data, "internal_note"),
        )
        item = get_item(actor, item.tracking_code)
        return Response(_staff_or_owner_json(item, request, actor))


class RatingSchema(serializers.Serializer):
    """A rating (documentation only)."""

    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(required=False)


class Rating(APIView):
    """The reporter rates the resolution."""

    @extend_schema(request=RatingSchema, responses=api_schema.STEP_RESPONSES, summary="Rate")
    def post(self, request, code: str):
        actor = request_actor(request)
        if actor.user is None:
            raise NotFound(_("No feedback item {code}.").format(code=code))
        data = body_fields(request)
        value = data.get("rating")
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if isinstance(value, bool):
            value = None
        item = rate(actor, normalise_code(code), value, _text(data, "comment"))
        item = get_item(actor, item.tracking_code)
        return Response(_staff_or_owner_json(item, request, actor))


class Duplicates(APIView):
    """Open items of a category near a point: offer them before a resident submits."""

    @extend_schema(
        parameters=api_schema.DUPLICATES_PARAMS,
        responses=api_schema.DUPLICATES_RESPONSES,
        summary="Possible duplicates near a point",
    )
    def get(self, request):
        params = request.query_params
        lon, lat = parse_lon_lat(params.get("lon"), params.get("lat"))
        category = params.get("category", "")
        if not FeedbackCategory.objects.filter(code=category).exists():
            raise InvalidParameter(
                _("Unknown feedback category {code}.").format(code=repr(category)),
                parameter="category",
            )
        found = duplicates.nearby_open(category, Point(lon, lat, srid=4326))
        return Response({"category": category, "results": found})


class Places(APIView):
    """Resolve an address or place name to candidate points and wards (hotline intake)."""

    @extend_schema(
        parameters=api_schema.PLACES_PARAMS,
        responses=api_schema.PLACES_RESPONSES,
        summary="Find a place by name (with or without diacritics, old ward names too)",
    )
    def get(self, request):
        try:
            found = places.resolve(request.query_params.get("q", ""))
        except InvalidParameter as exc:
            exc.parameter = "q" if exc.parameter == "address" else exc.parameter
            raise
        return Response(found.as_dict())


@require_GET
@json_errors
@basic_auth
def photo(request, code: str, position: int):
    """A photo (metadata already stripped): public for public items, else staff and owner."""
    code = normalise_code(code)
    item = FeedbackItem.objects.filter(tracking_code=code).first()
    if item is None or not (is_public(item) or _may_see(request, code)):
        raise NotFound(_("No photo {n} of {code}.").format(n=position, code=code))
    stored = FeedbackPhoto.objects.filter(item=item, position=position).first()
    if stored is None:
        raise NotFound(_("No photo {n} of {code}.").format(n=position, code=code))
    response = HttpResponse(bytes(stored.data), content_type=stored.content_type)
    response["ETag"] = f'"{stored.sha256}"'
    response["Cache-Control"] = "public, max-age=86400" if is_public(item) else "private"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _may_see(request, code: str) -> bool:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return visible_items(actor_for(user)).filter(tracking_code=code).exists()
