"""The privacy API fuzzed from its schema as a signed-in administrator (the project-wide
fuzz test calls it anonymously): every answer as documented, never a 5xx."""

import schemathesis

from tests.geoportal.test_schema_fuzz import (  # noqa: F401 (fixture)
    STAFF,
    _basic,
    _config,
    _failures,
    wsgi_app,
)


def test_privacy_api_answers_staff_as_documented(wsgi_app):  # noqa: F811
    config = _config({"Authorization": _basic(*STAFF)}, without=("ignored_auth",))
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app, config=config)
    failures = _failures(schema.include(path_regex=r"^/api/v1/privacy/"))
    assert not failures, "\n".join(failures)
