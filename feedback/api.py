"""The feedback REST API for the app and the staff tools (mounted at /api/v1/feedback/).

Who is asking decides what they get: staff see the items of their scope with the reporter's
details and the exact point; a signed-in resident sees their own; anyone with a tracking
code can follow the item's public view (``track/``). Every refusal is a domain error (400,
401, 403, 404, 409, 413, 422, 429) with its reason.

Thin views: each parses its input (``feedback.params``, ``feedback.api_input``), calls a
function of ``feedback.queries`` or ``feedback.services`` and shapes the answer
(``feedback.shapes``). Lists page with the REST family's paginator (``core.pagination``).
"""

from django.http import HttpResponse
from django.utils.translation import get_language
from django.views.decorators.http import require_GET
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from core.clients import client_of
from core.errors import InvalidParameter, json_errors
from core.pagination import PageNumberPagination
from core.parsers import FormParser, JSONParser, MultiPartParser
from core.schema import read_query
from feedback import api_schema, places, queries, services, verification
from feedback.api_input import RestReport, idempotency_scope, request_actor, signed_in_actor
from feedback.contact_reads import listed_to_actor, shown_to_actor
from feedback.intake import normalise_code
from feedback.models import FeedbackItem
from feedback.params import ItemListParams, json_object, rating_value, text_field
from feedback.shapes import category_json, item_json
from feedback.workflow import Actor, actor_for, get_item
from layers.params import parse_lon_lat
from logins.basic import basic_auth


def _via(request) -> str:
    """The endpoint, as the access log of contact details names it."""
    match = request.resolver_match
    return f"api:{match.url_name if match else request.path}"[:60]


def _private_json(item: FeedbackItem, request, actor: Actor, *, logged: bool = True) -> dict:
    """The view of staff in scope and of the reporter (a staff read of the contact details
    is announced for the access log, once per item, unless the caller does it)."""
    if logged:
        shown_to_actor(actor, item, via=_via(request))
    return item_json(item, request, private=True, actor=actor, language=get_language())


def _public_json(item: FeedbackItem, request) -> dict:
    return item_json(item, request, private=False, language=get_language())


class CategoryList(APIView):
    """The feedback catalogue."""

    @extend_schema(responses=api_schema.CATEGORIES_RESPONSES, summary="Feedback categories")
    def get(self, request):
        """Every active category, in the asked language."""
        language = get_language()
        return Response([category_json(c, language) for c in queries.active_categories()])


class ItemList(APIView):
    """Submit a report, or list the items you may see (staff: your scope; residents: yours)."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]
    pagination_class = PageNumberPagination

    @extend_schema(
        request={
            "application/json": api_schema.SubmitSchema,
            "multipart/form-data": api_schema.SubmitFormSchema,
        },
        parameters=[api_schema.IDEMPOTENCY_HEADER],
        responses=api_schema.SUBMIT_RESPONSES,
        summary="Submit a feedback item",
    )
    def post(self, request):
        """File a report (once per ``Idempotency-Key``); 201, or 200 for a retry."""
        actor = request_actor(request)
        item, written = services.file_report(
            actor,
            RestReport(request, actor),
            scope=idempotency_scope(request),
            key=request.headers.get("Idempotency-Key"),
            client=client_of(request),
        )
        created = written is not None
        if created:  # the answer from what was written: no query
            item = written.answerable()
        if actor.user is not None:
            body = _private_json(item, request, actor)
        else:
            body = _public_json(item, request)
        body["possible_duplicates"] = written.duplicates if created else queries.duplicates_of(item)
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
        """A page of the items in the caller's scope that match the filters."""
        actor = signed_in_actor(request)
        filters = read_query(ItemListParams, request.query_params)["filters"]
        items = queries.items_for(actor, filters)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queries.with_private_details(items), request, self)
        listed_to_actor(actor, page, via=_via(request))
        body = [_private_json(i, request, actor, logged=False) for i in page]
        return paginator.get_paginated_response(body)


class ItemDetail(APIView):
    """One item with its timeline, for staff in scope and its reporter (404 otherwise)."""

    @extend_schema(responses=api_schema.DETAIL_RESPONSES, summary="A feedback item (staff, owner)")
    def get(self, request, code: str):
        """The item's private view."""
        actor = request_actor(request)
        return Response(_private_json(get_item(actor, normalise_code(code)), request, actor))


class Track(APIView):
    """The public view of an item, for anyone with its tracking code."""

    @extend_schema(responses=api_schema.TRACK_RESPONSES, summary="Follow an item by its code")
    def get(self, request, code: str):
        """The item's public view."""
        return Response(_public_json(queries.public_item(normalise_code(code)), request))


class Transitions(APIView):
    """Move an item along its workflow (staff; the reporter confirms or reopens)."""

    @extend_schema(
        request=api_schema.TransitionSchema,
        responses=api_schema.STEP_RESPONSES,
        summary="Take a workflow step",
    )
    def post(self, request, code: str):
        """Take the step; the item as the caller now sees it."""
        actor = request_actor(request)
        services.require_account(actor, normalise_code(code))  # before the body is read
        data = json_object(request.data)
        item = services.take_step(
            actor,
            normalise_code(code),
            text_field(data, "to", 20),
            note=text_field(data, "note"),
            reason=text_field(data, "reason"),
            merge_into=normalise_code(text_field(data, "merge_into", 20)) or None,
            internal_note=text_field(data, "internal_note"),
        )
        return Response(_private_json(item, request, actor))


class Rating(APIView):
    """The reporter rates the resolution."""

    @extend_schema(
        request=api_schema.RatingSchema, responses=api_schema.STEP_RESPONSES, summary="Rate"
    )
    def post(self, request, code: str):
        """Rate; the item as the reporter now sees it."""
        actor = request_actor(request)
        services.require_account(actor, normalise_code(code))  # before the body is read
        data = json_object(request.data)
        item = services.rate_item(
            actor,
            normalise_code(code),
            rating_value(data.get("rating")),
            text_field(data, "comment"),
        )
        return Response(_private_json(item, request, actor))


class Verification(APIView):
    """A reporter (or the reporter of an item merged into it) confirms or disputes the fix."""

    @extend_schema(
        request=api_schema.VerificationSchema,
        responses=api_schema.VERIFICATION_RESPONSES,
        summary="Confirm or dispute a resolution (its reporters)",
    )
    def post(self, request, code: str):
        """Record the verdict (a dispute reopens the item; the reporter's confirmation closes
        it); 201 with the verdict and the item's status now."""
        actor = request_actor(request)
        services.require_account(actor, normalise_code(code))  # before the body is read
        data = json_object(request.data)
        recorded = verification.verify(
            actor,
            normalise_code(code),
            text_field(data, "verdict", 20),
            text_field(data, "reason"),
        )
        return Response(verification.verification_answer(recorded), status=201)


class Duplicates(APIView):
    """Open items of a category near a point: offer them before a resident submits."""

    @extend_schema(
        parameters=api_schema.DUPLICATES_PARAMS,
        responses=api_schema.DUPLICATES_RESPONSES,
        summary="Possible duplicates near a point",
    )
    def get(self, request):
        """Open items of ``category`` within the duplicate radius of ``lon``/``lat``."""
        params = request.query_params
        lon, lat = parse_lon_lat(params.get("lon"), params.get("lat"))
        category = params.get("category", "")
        found = queries.possible_duplicates(category, lon, lat)
        return Response({"category": category, "results": found})


class Places(APIView):
    """Resolve an address or place name to candidate points and wards (hotline intake)."""

    @extend_schema(
        parameters=api_schema.PLACES_PARAMS,
        responses=api_schema.PLACES_RESPONSES,
        summary="Find a place by name (with or without diacritics, old ward names too)",
    )
    def get(self, request):
        """The candidates for ``q``."""
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
    stored, public = queries.photo_of(actor_for(request.user), normalise_code(code), position)
    response = HttpResponse(bytes(stored.data), content_type=stored.content_type)
    response["ETag"] = f'"{stored.sha256}"'
    response["Cache-Control"] = "public, max-age=86400" if public else "private"
    response["X-Content-Type-Options"] = "nosniff"
    return response
