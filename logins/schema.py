"""HTTP Basic sign-in in the OpenAPI schema (drf-spectacular)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BasicScheme(OpenApiAuthenticationExtension):
    """``Authorization: Basic ...``, as drf-spectacular describes DRF's own class."""

    target_class = "logins.basic.BasicAuthentication"
    name = "basicAuth"

    def get_security_definition(self, auto_schema):
        """The HTTP Basic scheme."""
        return {"type": "http", "scheme": "basic"}
