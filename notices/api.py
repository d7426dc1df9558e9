"""The notices REST API (mounted at /api/v1/notices/): anyone reads the notices in force at
a point; staff with the notices permissions create drafts, change them, publish and
withdraw them, and list the notices they may manage.

Thin views: each parses its input (``notices.params``), calls ``notices.queries`` or
``notices.services`` and shapes the answer (``notices.shapes``).
"""

from django.utils.translation import get_language
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from core.pagination import PageNumberPagination
from core.parsers import JSONParser
from core.schema import read_query
from layers.params import parse_lon_lat
from notices import api_schema, queries, services
from notices.params import ManageListParams, notice_changes, notice_input, parse_at
from notices.shapes import notice_json


class NoticeList(APIView):
    """The notices in force at a point (anyone); a new draft notice (staff)."""

    parser_classes = [JSONParser]
    pagination_class = PageNumberPagination

    @extend_schema(
        parameters=api_schema.IN_FORCE_PARAMS,
        responses=api_schema.IN_FORCE_RESPONSES,
        summary="Notices in force at a point, most severe first",
        operation_id="notices_in_force",
    )
    def get(self, request):
        """Published notices whose window holds ``at`` (now) and whose area covers the point."""
        params = request.query_params
        lon, lat = parse_lon_lat(params.get("lon"), params.get("lat"))
        found = queries.in_force(lon, lat, parse_at(params.get("at")))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(found, request, self)
        language = get_language()
        return paginator.get_paginated_response([notice_json(n, language) for n in page])

    @extend_schema(
        request=api_schema.NoticeSchema,
        responses=api_schema.CREATE_RESPONSES,
        summary="Create a notice (a draft; staff)",
    )
    def post(self, request):
        """Check the notice (area, window, texts) and keep it as a draft; 201."""
        actor = services.staff_actor(request.user, services.ADD)
        data = notice_input(request.data)
        notice = services.create_notice(actor, data)
        body = notice_json(notice, get_language(), staff=True, geometry=True)
        body["area"]["repairs"] = list(data.area.repairs)  # what ST_MakeValid changed
        return Response(body, 201)


class ManagedNoticeList(APIView):
    """The notices a staff member may manage, every status (staff)."""

    pagination_class = PageNumberPagination

    @extend_schema(
        parameters=api_schema.MANAGE_PARAMS,
        responses=api_schema.MANAGE_RESPONSES,
        summary="Notices you may manage, newest first (staff)",
        operation_id="notices_manage_list",
    )
    def get(self, request):
        """A page of the notices in the caller's wards (all of them for city staff)."""
        actor = services.staff_actor(request.user, services.CHANGE)
        filters = read_query(ManageListParams, request.query_params)
        notices = services.managed_notices(actor, status=filters["status"], ward=filters["ward"])
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(notices, request, self)
        language = get_language()
        return paginator.get_paginated_response(
            [notice_json(n, language, staff=True) for n in page]
        )


class NoticeDetail(APIView):
    """One notice with its area's geometry: published and withdrawn ones to anyone, drafts
    to staff who may change notices; staff change a draft."""

    parser_classes = [JSONParser]

    @extend_schema(responses=api_schema.DETAIL_RESPONSES, summary="A notice")
    def get(self, request, notice_id: int):
        """The notice."""
        user = request.user
        if user is not None and user.has_perm(services.CHANGE):
            actor = services.staff_actor(user, services.CHANGE)
            notice = services.notice_in_scope(actor, notice_id)
            if notice is not None:
                return Response(notice_json(notice, get_language(), staff=True, geometry=True))
        notice = queries.public_notice(notice_id)
        return Response(notice_json(notice, get_language(), geometry=True))

    @extend_schema(
        request=api_schema.NoticePatchSchema,
        responses=api_schema.PATCH_RESPONSES,
        summary="Change a draft notice (staff)",
    )
    def patch(self, request, notice_id: int):
        """Check the fields sent as on creation and apply them to the draft; 200."""
        actor = services.staff_actor(request.user, services.CHANGE)
        changes = notice_changes(request.data)
        notice = services.change_draft(actor, notice_id, changes)
        body = notice_json(notice, get_language(), staff=True, geometry=True)
        if "area" in changes:
            body["area"]["repairs"] = list(changes["area"].repairs)  # what ST_MakeValid changed
        return Response(body)


class Publish(APIView):
    """Publish a draft (staff)."""

    @extend_schema(request=None, responses=api_schema.STEP_RESPONSES, summary="Publish a notice")
    def post(self, request, notice_id: int):
        """The notice, now published."""
        actor = services.staff_actor(request.user, services.CHANGE)
        notice = services.publish(actor, notice_id)
        return Response(notice_json(notice, get_language(), staff=True))


class Withdraw(APIView):
    """Withdraw a published notice (staff)."""

    @extend_schema(request=None, responses=api_schema.STEP_RESPONSES, summary="Withdraw a notice")
    def post(self, request, notice_id: int):
        """The notice, now withdrawn."""
        actor = services.staff_actor(request.user, services.CHANGE)
        notice = services.withdraw(actor, notice_id)
        return Response(notice_json(notice, get_language(), staff=True))
