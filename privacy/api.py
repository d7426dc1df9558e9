"""The privacy API (mounted at /api/v1/privacy/): the privacy notice, residents' requests
about their personal data, and the log of staff reads of contact details (auditors).

Thin views: they parse (``privacy.params``), call ``privacy.services`` or
``privacy.access_log`` and shape the answer; lists page with ``core.pagination``.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from apikeys.keys import ServiceAccount
from core.errors import Forbidden, InvalidParameter, NotAuthenticated
from core.pagination import PageNumberPagination
from core.parsers import JSONParser
from core.schema import read_query
from feedback.intake import normalise_code
from feedback.params import json_object, text_field
from privacy import access_log, api_schema, services
from privacy.export import request_json
from privacy.notice import current_notice
from privacy.params import AccessLogParams, RequestListParams


def _person(request, message: str):
    """The signed-in person; 401 for anyone else, 403 for a service account."""
    user = request.user
    if isinstance(user, ServiceAccount):
        raise Forbidden(_("A service account cannot act on a person's data."))
    if user is None or not user.is_authenticated:
        raise NotAuthenticated(message, headers={"WWW-Authenticate": 'Basic realm="Common Map"'})
    return user


def _codes(data) -> list[str]:
    raw = data.get("tracking_codes", [])
    if not isinstance(raw, list) or not all(isinstance(c, str) for c in raw):
        raise InvalidParameter(
            _("'tracking_codes' must be a list of tracking codes."), parameter="tracking_codes"
        )
    if len(raw) > 1000:
        raise InvalidParameter(
            _("'tracking_codes' names over 1000 reports."), parameter="tracking_codes"
        )
    return [normalise_code(code) for code in raw]


def _changes(data) -> dict:
    raw = data.get("changes", {})
    if not isinstance(raw, dict):
        raise InvalidParameter(
            _("'changes' must be an object such as {example}.").format(
                example='{"phone": "0912345678"}'
            ),
            parameter="changes",
        )
    return raw


class Notice(APIView):
    """The privacy notice in force."""

    @extend_schema(responses=api_schema.NOTICE_RESPONSES, summary="The privacy notice")
    def get(self, request):
        """Its version, purposes, retention per category, answer times and text (vi, en)."""
        return Response(current_notice())


class Requests(APIView):
    """A resident's requests about their data (export, correct, delete); staff see all."""

    parser_classes = [JSONParser]  # a list and an object in the body: JSON only
    pagination_class = PageNumberPagination

    @extend_schema(
        request=api_schema.RequestSchema,
        responses=api_schema.SUBMIT_RESPONSES,
        summary="Ask for your data, its correction or its deletion",
    )
    def post(self, request):
        """Record the request and answer it (an export comes back in the answer)."""
        user = _person(request, _("Sign in to make a request about your data."))
        data = json_object(request.data)
        made, export = services.submit_request(
            user,
            text_field(data, "kind", 20),
            tracking_codes=_codes(data),
            changes=_changes(data),
        )
        body = {"request": request_json(made)}
        if export is not None:
            body["export"] = export
        return Response(body, status=201)

    @extend_schema(
        parameters=api_schema.REQUEST_LIST_PARAMS,
        responses=api_schema.REQUEST_LIST_RESPONSES,
        summary="Data requests (yours; staff: all, overdue=true for the late ones)",
    )
    def get(self, request):
        """A page of requests, the soonest due first."""
        user = _person(request, _("Sign in to see your requests."))
        filters = read_query(RequestListParams, request.query_params)
        rows = services.requests_for(user, overdue=filters["overdue"], status=filters["status"])
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(rows, request, self)
        return paginator.get_paginated_response([request_json(r) for r in page])


class Decision(APIView):
    """Staff answer a request that waits for them."""

    parser_classes = [JSONParser]

    @extend_schema(
        request=api_schema.DecisionSchema,
        responses=api_schema.DECISION_RESPONSES,
        summary="Answer a data request (administrators, city staff)",
    )
    def post(self, request, request_id: int):
        """done (a deletion is carried out) or refused (with the reason)."""
        user = _person(request, _("Sign in to answer data requests."))
        data = json_object(request.data)
        answered = services.decide(
            user, request_id, text_field(data, "status", 20), text_field(data, "note")
        )
        return Response(request_json(answered))


class ContactAccesses(APIView):
    """The log of staff reads of reporters' contact details (auditors, administrators)."""

    pagination_class = PageNumberPagination

    @extend_schema(
        parameters=api_schema.ACCESS_LIST_PARAMS,
        responses=api_schema.ACCESS_LIST_RESPONSES,
        summary="Who read which reporter's contact details, and when",
    )
    def get(self, request):
        """A page of the log, newest first."""
        user = _person(request, _("Sign in as an auditor to read the access log."))
        if not services.reads_access_log(user):
            raise Forbidden(_("Only auditors and administrators read the access log."))
        filters = read_query(AccessLogParams, request.query_params)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(access_log.accesses(**filters), request, self)
        return paginator.get_paginated_response([access_log.access_json(r) for r in page])
