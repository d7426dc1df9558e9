"""The residents API: who the caller is, as far as it may know."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apikeys.keys import ApiKeyAuthentication
from core.schema import errors
from residents.authentication import ResidentBearerAuthentication
from residents.identity import resident_of


class MeView(APIView):
    """``GET /api/v1/residents/me``: whether the call names a resident, and how."""

    authentication_classes = [ResidentBearerAuthentication, ApiKeyAuthentication]

    @extend_schema(
        operation_id="residents_me",
        summary="The resident making the call",
        description=(
            "Answers whether the request names a resident and how it came in: an OpenID "
            "Connect bearer token of the city's identity provider (`oidc`), or the city "
            "app's back end with an API key of scope `residents` and `X-Resident-Id` "
            "(`service`). The resident's identity (even its hash) is never shown."
        ),
        responses={
            200: inline_serializer(
                "ResidentMe",
                {
                    "authenticated": serializers.BooleanField(),
                    "via": serializers.ChoiceField(choices=["oidc", "service"]),
                },
            ),
            **errors(
                400,
                401,
                403,
                e400="X-Resident-Id missing or malformed (or sent beside a bearer token).",
                e401=(
                    "No resident named, or the bearer token or API key refused (expired, "
                    "another issuer or audience, a bad signature, an unknown key, ...)."
                ),
                e403="An API key without the `residents` scope.",
            ),
        },
        parameters=[
            OpenApiParameter(
                "X-Resident-Id",
                str,
                OpenApiParameter.HEADER,
                description=(
                    "With an API key of scope `residents`: the pseudonymous resident the "
                    "call is for (1-128 printable ASCII characters, no spaces)."
                ),
                pattern=r"^[\x21-\x7e]{1,128}$",
            )
        ],
        auth=[{"residentBearer": []}, {"apiKey": []}],
        tags=["residents"],
    )
    def get(self, request: Request) -> Response:
        """The caller's way in; 401/403/400 with the reason when it names no resident."""
        resident = resident_of(request)
        return Response({"authenticated": True, "via": resident.via})
