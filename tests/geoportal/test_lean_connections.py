"""The lean path (geoportal/lean.py) skips the database health check's round trip when the
kept connection is quiet, and only then: a connection the server has closed is checked,
opened again, and the request answered as usual."""

import io
from wsgiref.util import setup_testing_defaults

import pytest
from django.db import connections

from geoportal.lean import LeanHandler, is_quiet
from tests.sessions import other_session

EXPORT = "/api/v1/layers/areas/export/"  # read-only: nothing to clean up


def _terminate(pid: int) -> None:
    """End a backend from another session, waiting until it has gone (its goodbye sent)."""
    with other_session(autocommit=True) as other:
        assert other.execute("SELECT pg_terminate_backend(%s, 10000)", [pid]).fetchone()[0]


@pytest.mark.django_db
def test_an_idle_session_is_quiet_a_busy_or_ended_one_is_not():
    idle, busy = other_session(autocommit=True), other_session()
    try:
        assert is_quiet(idle)
        busy.execute("SELECT 1")  # a transaction is open
        assert not is_quiet(busy)
        _terminate(idle.info.backend_pid)
        assert not is_quiet(idle)  # the server's goodbye waits on the socket
        idle.close()
        assert not is_quiet(idle)
    finally:
        idle.close()
        busy.close()


def _get(handler: LeanHandler, path: str, query: str) -> int:
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "wsgi.input": io.BytesIO(b""),
    }
    setup_testing_defaults(environ)
    started = {}

    def start_response(status, headers, exc_info=None):
        started["status"] = status

    result = handler(environ, start_response)
    b"".join(result)
    result.close()
    return int(started["status"].split()[0])


def _requests_around_a_termination() -> dict:
    """Lean requests on this thread's kept connection, health checks on: one on a quiet
    connection, then one after the server ended the session."""
    db = connections["default"]  # this thread's, not connected yet
    # Kept between requests and checked, as in production (a copy: the dict is shared).
    db.settings_dict = {**db.settings_dict, "CONN_MAX_AGE": 600, "CONN_HEALTH_CHECKS": True}
    handler = LeanHandler()
    seen = {"first": _get(handler, EXPORT, "level=province")}
    pid = db.connection.info.backend_pid
    checked = []
    usable = db.is_usable
    db.is_usable = lambda: checked.append(True) or usable()
    seen["quiet"] = _get(handler, EXPORT, "level=province")
    seen["checked_quiet"] = len(checked)
    seen["same_session"] = db.connection.info.backend_pid == pid
    _terminate(pid)
    seen["ended"] = _get(handler, EXPORT, "level=province")
    seen["checked_ended"] = len(checked)
    seen["new_session"] = db.connection.info.backend_pid != pid
    return seen


def test_a_quiet_connection_skips_the_check_an_ended_one_is_checked_and_opened_again(
    committed,
):
    seen = committed(_requests_around_a_termination)
    assert seen["first"] == seen["quiet"] == seen["ended"] == 200
    assert seen["checked_quiet"] == 0 and seen["same_session"]
    assert seen["checked_ended"] == 1 and seen["new_session"]
