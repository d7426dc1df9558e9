"""The residents' bearer scheme as DRF sees it.

The token itself is verified by ``residents.identity.resident_of`` (a resident is not a
Django user, and ``request.user`` stays anonymous); this class only names the scheme, so
a resident view's 401 challenges with ``Bearer`` and the OpenAPI schema lists it.
Resident views use it with apikeys' class: ``[ResidentBearerAuthentication,
ApiKeyAuthentication]``.
"""

from rest_framework import authentication

from residents.errors import bearer_challenge


class ResidentBearerAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer <OpenID Connect token>`` (verified by ``resident_of``)."""

    def authenticate(self, request):
        """Never a Django user: the resident is read by ``resident_of`` in the view."""
        return None

    def authenticate_header(self, request) -> str:
        """The 401 challenge: a bearer token."""
        return bearer_challenge()
