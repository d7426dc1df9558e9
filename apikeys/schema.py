"""The API key authentication in the OpenAPI schema (drf-spectacular)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """``X-Api-Key: cm_...`` in a header."""

    target_class = "apikeys.keys.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        """The header scheme."""
        return {"type": "apiKey", "in": "header", "name": "X-Api-Key"}
