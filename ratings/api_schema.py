"""The ratings API in the OpenAPI schema: bodies, answers and query parameters, declared
once (the query serializer also parses, through ``core.schema.read_query``)."""

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

from core.schema import DeclaredParameter, errors
from ratings.models import COMMENT_MAX_LENGTH
from ratings.periods import parse_period

PERIOD_PATTERN = r"^[0-9]{4}-([0-9]{2}|Q[1-4])$"


class PeriodQuery(serializers.Serializer):
    """``period``: a month (YYYY-MM) or quarter (YYYY-Qn); absent, the current one."""

    period = DeclaredParameter(
        {"type": "string", "pattern": PERIOD_PATTERN},
        "The period: a month (YYYY-MM, the period holding it) or a quarter (YYYY-Qn); "
        "absent: the current period.",
    )

    def validate(self, attrs: dict) -> dict:
        """``{"period": Period}``; InvalidParameter naming ``period``."""
        return {"period": parse_period(self.initial_data.get("period"))}


_SCORE = serializers.IntegerField(min_value=1, max_value=5)

RatingBody = inline_serializer(
    "WardRatingBody",
    {
        "ward": serializers.CharField(
            required=False, max_length=10, help_text="The ward's code (or give lon and lat)."
        ),
        "lon": serializers.FloatField(
            required=False, min_value=-180, max_value=180, help_text="WGS 84 longitude."
        ),
        "lat": serializers.FloatField(
            required=False, min_value=-90, max_value=90, help_text="WGS 84 latitude."
        ),
        "overall": serializers.IntegerField(min_value=1, max_value=5),
        "aspects": serializers.DictField(
            child=_SCORE, required=False, help_text="Active aspect code → 1..5."
        ),
        "comment": serializers.CharField(
            required=False, allow_blank=True, max_length=COMMENT_MAX_LENGTH
        ),
    },
)

_PERIOD = inline_serializer(
    "RatingPeriod",
    {
        "label": serializers.CharField(),
        "start": serializers.DateField(),
        "end": serializers.DateField(),
    },
)
_WARD = inline_serializer(
    "RatedWard", {"code": serializers.CharField(), "name": serializers.CharField()}
)

RatingAnswer = inline_serializer(
    "WardRating",
    {
        "ward": _WARD,
        "period": _PERIOD,
        "overall": serializers.IntegerField(),
        "aspects": serializers.DictField(child=serializers.IntegerField()),
        "comment": serializers.CharField(),
        "comment_status": serializers.ChoiceField(choices=["pending", "approved", "hidden"]),
        "created_at": serializers.DateTimeField(),
        "updated_at": serializers.DateTimeField(),
    },
)

RATE_RESPONSES = {
    201: OpenApiResponse(RatingAnswer, description="A new rating for this period."),
    200: OpenApiResponse(
        RatingAnswer, description="This period's rating changed (or sent again unchanged)."
    ),
    **errors(400, 401, 403),
}

_MEAN = serializers.FloatField(allow_null=True)
_COUNT_MEAN = inline_serializer(
    "RatingCountMean", {"count": serializers.IntegerField(), "mean": _MEAN}
)

WardSatisfactionAnswer = inline_serializer(
    "WardSatisfaction",
    {
        "period": _PERIOD,
        "generation": serializers.CharField(allow_null=True),
        "min_sample": serializers.IntegerField(),
        "city": _COUNT_MEAN,
        "wards": inline_serializer(
            "WardSatisfactionWard",
            {
                "code": serializers.CharField(),
                "name": serializers.CharField(),
                "count": serializers.IntegerField(),
                "mean": _MEAN,
                "distribution": serializers.DictField(child=serializers.IntegerField()),
                "ci95": inline_serializer(
                    "RatingInterval",
                    {"low": serializers.FloatField(), "high": serializers.FloatField()},
                    allow_null=True,
                ),
                "enough": serializers.BooleanField(),
                "score": _MEAN,
                "rank": serializers.IntegerField(allow_null=True),
                "aspects": serializers.DictField(child=_COUNT_MEAN),
                "feedback_resolution": _COUNT_MEAN,
            },
            many=True,
        ),
    },
)

SATISFACTION_RESPONSES = {200: WardSatisfactionAnswer, **errors(400)}

COMMENTS_RESPONSES = {
    200: inline_serializer(
        "WardComment",
        {"comment": serializers.CharField(), "date": serializers.DateField()},
        many=True,
    ),
    **errors(400, 404),
}

MODERATE_RESPONSES = {
    200: inline_serializer(
        "ModeratedComment",
        {
            "id": serializers.IntegerField(),
            "comment_status": serializers.ChoiceField(choices=["pending", "approved", "hidden"]),
        },
    ),
    **errors(401, 403, 404, 409),
}

ASPECTS_RESPONSES = {
    200: inline_serializer(
        "RatingAspect",
        {
            "code": serializers.CharField(),
            "name": serializers.CharField(),
            "name_vi": serializers.CharField(),
            "name_en": serializers.CharField(),
        },
        many=True,
    )
}
