"""Schema-driven fuzzing: every operation of /api/schema/ and /ogc/api, called with
requests generated from the schema itself, must answer without a 5xx and as documented
(status code, content type, body schema, required headers).

Schemathesis's engine generates the requests (the schema's examples, boundary values and
invalid values of every parameter and body field, then random ones) from a fixed seed,
so a run is repeatable, with a bounded number of random examples per operation. The
requests go through Django's WSGI application on the test's own database connection,
each inside a savepoint that is rolled back afterwards: a request that fails in the
database cannot break the next one, and fuzzed reports neither pile up nor count against
the anonymous rate limit.
"""

import base64

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import DEFAULT_DB_ALIAS, close_old_connections, connections, transaction
from jsonschema import Draft4Validator
from schemathesis import engine
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events
from werkzeug.test import Client as WsgiClient

SEED = 20261203
MAX_EXAMPLES = 10
STAFF = ("fuzz_admin", "fuzz-password")


class SharedConnection:
    """The WSGI application on the test's database connection, each request in a savepoint
    rolled back afterwards (with the whole body read inside it).

    Schemathesis runs its one worker in a thread of its own: the thread is given the test
    thread's connection, as Django's live-server tests do, and the worker's requests run
    one at a time."""

    def __init__(self, application, connection):
        self.application = application
        self.connection = connection

    def __call__(self, environ, start_response):
        # The fuzzer's WSGI client does not decompress: ask for the plain body.
        environ.pop("HTTP_ACCEPT_ENCODING", None)
        connections[DEFAULT_DB_ALIAS] = self.connection
        savepoint = transaction.savepoint()
        try:
            result = self.application(environ, start_response)
            try:
                body = b"".join(result)
            finally:
                if hasattr(result, "close"):
                    result.close()
        finally:
            transaction.savepoint_rollback(savepoint)
        return [body]


@pytest.fixture
def wsgi_app(db, settings):
    """Django's WSGI application in the test's transaction, with an administrator whose
    password is cheap to check (HTTP basic auth hashes it on every request)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    User.objects.create_superuser(STAFF[0], password=STAFF[1])
    connection = connections[DEFAULT_DB_ALIAS]
    connection.inc_thread_sharing()
    # As Django's test client does: the request signals would close the connection that
    # holds the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield SharedConnection(get_wsgi_application(), connection)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        connection.dec_thread_sharing()


def _config(headers: dict | None = None, without: tuple[str, ...] = ()) -> SchemathesisConfig:
    """A repeatable run: a fixed seed, one worker, every phase but the stateful one (each
    request is rolled back), every check."""
    data = {
        "seed": SEED,
        "workers": 1,
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
        "phases": {"stateful": {"enabled": False}},
        "checks": {
            # Valid-looking values break rules that OpenAPI cannot state (a bbox's minimum
            # above its maximum, 'radius' without 'near', a category or property that does
            # not exist): test_empty_values_are_as_documented checks the one kind of
            # acceptance a schema can promise, instead.
            "positive_data_acceptance": {"enabled": False},
            # A batch over its documented maximum is refused as too large.
            "negative_data_rejection": {
                "expected-statuses": [400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 428, 429]
            },
        },
    }
    for check in without:
        data["checks"][check] = {"enabled": False}
    if headers:
        data["headers"] = headers
    return SchemathesisConfig.from_dict(data)


def _failures(schema) -> list[str]:
    """Run every phase over the schema; one line per failed check or error."""
    found = []
    for event in engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished) and event.status != Status.SUCCESS:
            recorder = event.recorder
            for case_id, checks in recorder.checks.items():
                interaction = recorder.interactions.get(case_id)
                for check in checks:
                    if check.status != Status.FAILURE or check.failure_info is None:
                        continue
                    failure = check.failure_info.failure
                    request = interaction.request if interaction else None
                    status = interaction.response.status_code if interaction else None
                    where = f"{request.method} {request.uri}" if request else recorder.label
                    found.append(
                        f"{recorder.label}: {check.name} [{status}] {failure.title}: "
                        f"{failure.message[:300]} <- {where[:300]}"
                    )
        elif isinstance(event, events.NonFatalError | events.FatalError):
            found.append(f"error: {event}")
    return sorted(set(found))


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_rest_api_answers_as_documented(wsgi_app):
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app, config=_config())
    failures = _failures(schema)
    assert not failures, "\n".join(failures)


def test_rest_api_answers_staff_as_documented(wsgi_app):
    # The configured credentials go with every request, so the check that sends wrong ones
    # cannot run here (the anonymous run does it).
    config = _config({"Authorization": _basic(*STAFF)}, without=("ignored_auth",))
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app, config=config)
    # Only the operations that answer staff otherwise than anybody.
    failures = _failures(schema.include(path_regex=r"^/api/v1/(feedback/items|imports)"))
    assert not failures, "\n".join(failures)


def test_ogc_api_answers_as_documented(wsgi_app):
    document = WsgiClient(wsgi_app).get("/ogc/api?f=json").get_json()
    # OGC's definition of 'limit' gives its maximum, and a larger value "SHALL NOT result in
    # an error" (it is capped): a bound the fuzzer must not take for a refusal.
    del document["components"]["parameters"]["limit"]["schema"]["maximum"]
    schema = schemathesis.openapi.from_dict(document, config=_config())
    schema.app = wsgi_app
    failures = _failures(schema)
    assert not failures, "\n".join(failures)


# Values for the parameters an operation cannot do without, and for its path.
FILLED = {
    "lon": "106.7009",
    "lat": "10.7769",
    "category": "den-duong",
    "q": "ben thanh",
    "slug": "facilities",
    "collectionId": "facilities",
}


def _resolved(node, document):
    """The schema with its local $refs replaced by what they point to."""
    if isinstance(node, dict):
        if "$ref" in node:
            target = document
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            return _resolved(target, document)
        return {key: _resolved(value, document) for key, value in node.items()}
    if isinstance(node, list):
        return [_resolved(value, document) for value in node]
    return node


def _admits_empty(parameter: dict) -> bool:
    """Whether the schema lets the parameter be sent with an empty value."""
    if parameter.get("allowEmptyValue"):
        return True
    schema = parameter["schema"]
    if schema.get("type") == "array":  # form style: an empty value is an empty list
        return not schema.get("minItems")
    return Draft4Validator(schema).is_valid("")


def _get_operations(document: dict, prefix: str):
    """(url, parameters) of each GET whose path parameters FILLED can fill."""
    for path, operations in document["paths"].items():
        operation = operations.get("get")
        if operation is None:
            continue
        parameters = [_resolved(p, document) for p in operation.get("parameters", [])]
        names = {p["name"] for p in parameters if p["in"] == "path"}
        if not names <= set(FILLED):
            continue
        url = prefix + path
        for name in names:
            url = url.replace("{" + name + "}", FILLED[name])
        yield url, [p for p in parameters if p["in"] == "query"]


@pytest.mark.parametrize(
    ("schema_url", "prefix"),
    [("/api/schema/?format=json", ""), ("/ogc/api?f=json", "/ogc")],
    ids=["rest", "ogc"],
)
def test_empty_values_are_as_documented(client, db, schema_url, prefix):
    """Each optional query parameter sent empty: accepted if its schema admits an empty
    value (it then counts as absent), refused with a 400 naming it if not."""
    document = client.get(schema_url).json()
    wrong = []
    tried = 0
    for url, parameters in _get_operations(document, prefix):
        required = {p["name"]: FILLED[p["name"]] for p in parameters if p.get("required")}
        if client.get(url, required).status_code != 200:
            continue  # needs an account, or a value FILLED does not have
        for parameter in parameters:
            if parameter.get("required"):
                continue
            tried += 1
            response = client.get(url, {**required, parameter["name"]: ""})
            admitted = _admits_empty(parameter)
            if admitted and response.status_code == 400:
                wrong.append(f"{url} {parameter['name']}=: documented as allowed, got 400")
            if not admitted and response.status_code != 400:
                wrong.append(
                    f"{url} {parameter['name']}=: documented as refused, got {response.status_code}"
                )
            elif not admitted and response.json().get("parameter") != parameter["name"]:
                wrong.append(f"{url} {parameter['name']}=: the 400 names {response.json()}")
    assert tried > 20
    assert not wrong, "\n".join(wrong)
