"""The surveys REST API (mounted at /api/v1/surveys/).

Staff with ``surveys.add_survey`` / ``surveys.change_survey`` create, edit (while draft),
publish and close surveys; anyone finds the surveys open at a point; a resident (bearer
token, or the city app's back end naming them) answers; anyone reads the k-suppressed
results (staff who manage the survey: unsuppressed), as JSON or CSV.

Thin views: each parses its input and calls ``surveys.services`` or ``surveys.results``.
"""

from django.http import HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from apikeys.keys import ApiKeyAuthentication
from core.errors import InvalidParameter, NotFound
from core.pagination import PageNumberPagination, PageQuery
from core.parsers import JSONParser
from layers.params import parse_lon_lat
from residents.authentication import ResidentBearerAuthentication
from residents.identity import resident_of
from surveys import api_schema, services
from surveys.access import ADD, CHANGE, managed_surveys, staff_actor
from surveys.csv_export import results_csv
from surveys.models import Survey, SurveyStatus
from surveys.results import results_json
from surveys.shapes import answer_set_json, public_survey_json, staff_survey_json
from surveys.survey_input import parse_survey

_MAX_ID = 2**63 - 1


def _survey_id(raw: int) -> int:
    """A path id the database can hold (a larger one names no survey)."""
    if raw > _MAX_ID:
        raise NotFound(_("No survey {id}.").format(id=raw))
    return raw


class CSVRenderer(BaseRenderer):
    """``text/csv`` for the results (an error is still JSON)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        """CSV text as it is; anything else (an error body) as JSON."""
        if isinstance(data, str):
            return data.encode("utf-8")
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return JSONRenderer().render(data)


class SurveyList(APIView):
    """Staff: the surveys you manage, or a new draft."""

    parser_classes = [JSONParser]
    pagination_class = PageNumberPagination

    @extend_schema(
        parameters=[PageQuery],
        responses=api_schema.LIST_RESPONSES,
        summary="Surveys you manage (staff)",
        operation_id="surveys_list",
        tags=["surveys"],
    )
    def get(self, request):
        """A page of the surveys in the caller's scope, newest first."""
        actor = staff_actor(request.user, CHANGE)
        surveys = managed_surveys(actor).prefetch_related("questions")
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(surveys, request, self)
        return paginator.get_paginated_response([staff_survey_json(s) for s in page])

    @extend_schema(
        request={"application/json": api_schema.SURVEY_CREATE},
        responses=api_schema.CREATE_RESPONSES,
        summary="Create a draft survey with its questions (staff)",
        tags=["surveys"],
    )
    def post(self, request):
        """A new draft survey: 201."""
        actor = staff_actor(request.user, ADD)
        survey = services.create_survey(actor, parse_survey(request.data, partial=False))
        return Response(staff_survey_json(survey), status=201)


class SurveyDetail(APIView):
    """Staff: one survey; edit it while it is a draft."""

    parser_classes = [JSONParser]

    @extend_schema(
        responses=api_schema.DETAIL_RESPONSES,
        summary="A survey (staff)",
        operation_id="surveys_retrieve",
        tags=["surveys"],
    )
    def get(self, request, survey_id: int):
        """The survey with every field."""
        actor = staff_actor(request.user, CHANGE)
        survey = managed_surveys(actor).filter(pk=_survey_id(survey_id)).first()
        if survey is None:
            raise NotFound(_("No survey {id}.").format(id=survey_id))
        return Response(staff_survey_json(survey))

    @extend_schema(
        request={"application/json": api_schema.SURVEY_EDIT},
        responses=api_schema.EDIT_RESPONSES,
        summary="Edit a draft survey (staff); a published one's questions are frozen",
        tags=["surveys"],
    )
    def patch(self, request, survey_id: int):
        """Change the fields sent; ``questions`` replaces the whole list."""
        actor = staff_actor(request.user, CHANGE)
        data = parse_survey(request.data, partial=True)
        survey = services.update_survey(actor, _survey_id(survey_id), data)
        return Response(staff_survey_json(survey))


class Publish(APIView):
    """Staff: publish a draft."""

    @extend_schema(
        request=None,
        responses=api_schema.EDIT_RESPONSES,
        summary="Publish a survey (staff)",
        tags=["surveys"],
    )
    def post(self, request, survey_id: int):
        """Draft → published (needs a question and a window not yet ended)."""
        actor = staff_actor(request.user, CHANGE)
        return Response(staff_survey_json(services.publish(actor, _survey_id(survey_id))))


class Close(APIView):
    """Staff: close a published survey."""

    @extend_schema(
        request=None,
        responses=api_schema.EDIT_RESPONSES,
        summary="Close a survey (staff)",
        tags=["surveys"],
    )
    def post(self, request, survey_id: int):
        """Published → closed: answers are no longer taken or changed."""
        actor = staff_actor(request.user, CHANGE)
        return Response(staff_survey_json(services.close(actor, _survey_id(survey_id))))


class OpenSurveys(APIView):
    """Anyone: the surveys open at a point now."""

    @extend_schema(
        parameters=api_schema.LON_LAT,
        responses=api_schema.OPEN_RESPONSES,
        summary="Surveys open at a point now",
        tags=["surveys"],
    )
    def get(self, request):
        """Published surveys whose area covers the point (border included), window open."""
        lon, lat = parse_lon_lat(request.query_params.get("lon"), request.query_params.get("lat"))
        language = get_language()
        return Response([public_survey_json(s, language) for s in services.open_surveys(lon, lat)])


class Answers(APIView):
    """A resident: give or change your answers to a survey."""

    authentication_classes = [ResidentBearerAuthentication, ApiKeyAuthentication]
    parser_classes = [JSONParser]

    @extend_schema(
        request={"application/json": api_schema.ANSWERS_IN},
        responses=api_schema.ANSWER_RESPONSES,
        summary="Answer a survey (resident): 201 the first time, 200 after",
        tags=["surveys"],
    )
    def put(self, request, survey_id: int):
        """Store the resident's answer set at their point (one per resident)."""
        resident = resident_of(request)
        data = request.data
        if not isinstance(data, dict):
            raise InvalidParameter(_("The body must be a JSON object."), parameter="body")
        lon, lat = parse_lon_lat(data.get("lon"), data.get("lat"))
        answer_set, created = services.answer(
            resident.key, _survey_id(survey_id), lon, lat, data.get("answers")
        )
        return Response(answer_set_json(answer_set), status=201 if created else 200)


class Results(APIView):
    """Anyone: a published survey's results (k-suppressed); staff who manage it: all."""

    renderer_classes = [JSONRenderer, CSVRenderer]

    @extend_schema(
        parameters=[api_schema.FORMAT],
        responses=api_schema.RESULTS_RESPONSES,
        summary="Results per question, for the city and per ward",
        tags=["surveys"],
    )
    def get(self, request, survey_id: int, fmt: str | None = None):
        """The results as JSON, or CSV (``?format=csv`` or ``results.csv``)."""
        survey = Survey.objects.filter(pk=_survey_id(survey_id)).first()
        full = survey is not None and _manages(request.user, survey)
        if survey is None or (survey.status == SurveyStatus.DRAFT and not full):
            raise NotFound(_("No survey {id}.").format(id=survey_id))
        body = results_json(survey, get_language(), suppressed=not full)
        if fmt == "csv" or request.accepted_renderer.format == "csv":
            response = HttpResponse(results_csv(body), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'inline; filename="survey-{survey.pk}.csv"'
            return response
        return Response(body)


def _manages(user, survey: Survey) -> bool:
    """True for staff with ``surveys.change_survey`` whose scope holds the survey."""
    if not (user is not None and user.is_authenticated and user.has_perm(CHANGE)):
        return False
    return managed_surveys(staff_actor(user, CHANGE)).filter(pk=survey.pk).exists()
