"""The ratings API (mounted at /api/v1/ratings/): residents rate their ward; anyone reads
the satisfaction per ward and the approved comments; moderators approve or hide comments.

Thin views: each parses its input (``ratings.params``, ``ratings.api_schema``), calls
``ratings.services`` or ``ratings.queries`` and shapes the answer.
"""

from django.utils.translation import get_language
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apikeys.keys import ApiKeyAuthentication
from core.pagination import PageNumberPagination
from core.parsers import JSONParser
from core.schema import read_query
from ratings import api_schema, queries, services
from ratings.models import CommentStatus, WardRating
from ratings.params import parse_rating
from ratings.periods import period_of
from residents.authentication import ResidentBearerAuthentication
from residents.identity import resident_of

TAGS = ["ratings"]


def rating_json(rating: WardRating) -> dict:
    """A rating as the resident who sent it sees it (never their key)."""
    return {
        "ward": {"code": rating.ward.code, "name": rating.ward.name},
        "period": period_of(rating.period_start).as_dict(),
        "overall": rating.overall,
        "aspects": rating.aspects,
        "comment": rating.comment,
        "comment_status": rating.comment_status,
        "created_at": rating.created_at,
        "updated_at": rating.updated_at,
    }


class AspectList(APIView):
    """The aspects a rating may score besides the overall one."""

    @extend_schema(responses=api_schema.ASPECTS_RESPONSES, summary="Rating aspects", tags=TAGS)
    def get(self, request: Request) -> Response:
        """Every active aspect, named in the asked language."""
        return Response(queries.active_aspects(get_language()))


class RateWard(APIView):
    """A resident rates a ward for the current period."""

    authentication_classes = [ResidentBearerAuthentication, ApiKeyAuthentication]
    parser_classes = [JSONParser]

    @extend_schema(
        request=api_schema.RatingBody,
        responses=api_schema.RATE_RESPONSES,
        summary="Rate a ward (residents)",
        description=(
            "The ward by its code (`ward`) or by a point (`lon`, `lat`: the ward it falls in). "
            "One rating per resident, ward and period: sending again changes it (201 when "
            "new, 200 otherwise). Comments are public only after moderation."
        ),
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        """Record the rating; 201 when new, 200 when it replaced (or repeated) this
        period's."""
        resident = resident_of(request)
        rating, created = services.rate_ward(resident.key, parse_rating(request.data))
        return Response(rating_json(rating), status=201 if created else 200)


class WardSatisfaction(APIView):
    """Satisfaction per ward of a period, and the ratings of resolved feedback beside it."""

    @extend_schema(
        parameters=[api_schema.PeriodQuery],
        responses=api_schema.SATISFACTION_RESPONSES,
        summary="Satisfaction per ward",
        description=(
            "For every ward of the period's boundary generation: count, mean, distribution, "
            "95 % confidence interval of the mean, and a score shrunk towards the city mean "
            "(the minimum sample as the prior's weight). Wards under the minimum sample are "
            "`enough: false`, without score or rank. `feedback_resolution` is the residents' "
            "rating of feedback resolved there in the period, kept apart."
        ),
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        """The period's satisfaction, ranked wards first."""
        period = read_query(api_schema.PeriodQuery, request.query_params)["period"]
        return Response(queries.ward_satisfaction(period))


class WardComments(APIView):
    """The approved comments on a ward in a period: text and date, never who."""

    pagination_class = PageNumberPagination

    @extend_schema(
        parameters=[api_schema.PeriodQuery],
        responses=api_schema.COMMENTS_RESPONSES,
        summary="Approved comments on a ward",
        tags=TAGS,
    )
    def get(self, request: Request, code: str) -> Response:
        """A page of the approved comments, newest first."""
        period = read_query(api_schema.PeriodQuery, request.query_params)["period"]
        comments = queries.approved_comments(code, period)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(comments, request, view=self)
        return paginator.get_paginated_response([queries.comment_json(r) for r in page])


class ModerateComment(APIView):
    """Approve or hide a rating's comment (``ratings.moderate_wardrating``)."""

    status_for_action = {"approve": CommentStatus.APPROVED, "hide": CommentStatus.HIDDEN}
    action = "approve"

    @extend_schema(
        request=None,
        responses=api_schema.MODERATE_RESPONSES,
        summary="Moderate a comment",
        tags=TAGS,
    )
    def post(self, request: Request, rating_id: int) -> Response:
        """Set the comment's status; the rating's id and new status."""
        rating = services.moderate_comment(
            request.user, rating_id, self.status_for_action[self.action]
        )
        return Response({"id": rating.pk, "comment_status": rating.comment_status})
