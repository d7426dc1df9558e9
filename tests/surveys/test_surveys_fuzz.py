"""The surveys operations fuzzed from the schema, anonymously and as staff (the project's
fuzz run covers every operation anonymously; staff reach the surveys' own code paths)."""

import schemathesis

from tests.geoportal.test_schema_fuzz import STAFF, _basic, _config, _failures, wsgi_app

__all__ = ["wsgi_app"]  # the fixture, shared

SURVEYS = r"^/api/v1/surveys"


def test_surveys_answer_anybody_as_documented(wsgi_app):
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app, config=_config())
    failures = _failures(schema.include(path_regex=SURVEYS))
    assert not failures, "\n".join(failures)


def test_surveys_answer_staff_as_documented(wsgi_app):
    config = _config({"Authorization": _basic(*STAFF)}, without=("ignored_auth",))
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app, config=config)
    failures = _failures(schema.include(path_regex=SURVEYS))
    assert not failures, "\n".join(failures)
