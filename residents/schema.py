"""The residents' bearer scheme in the OpenAPI schema (drf-spectacular)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ResidentBearerScheme(OpenApiAuthenticationExtension):
    """``Authorization: Bearer <JWT>`` of the city's OpenID Connect identity provider."""

    target_class = "residents.authentication.ResidentBearerAuthentication"
    name = "residentBearer"

    def get_security_definition(self, auto_schema):
        """The HTTP bearer scheme, a JWT."""
        return {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
