"""/healthz: database and PostGIS versions, 503 when the database is down."""

import socket

import pytest
from django.db import connection


def test_healthz_reports_database_and_postgis_versions(client, db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT postgis_lib_version(), current_setting('server_version')")
        postgis, postgres = cursor.fetchone()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "postgresql": postgres,
        "postgis": postgis,
    }
    assert postgis.startswith("3.")


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def database_down(django_db_blocker):
    """Point the connection at a port where nothing listens, then restore it."""
    with django_db_blocker.unblock():
        connection.close()
        saved = connection.settings_dict["PORT"], connection.settings_dict["HOST"]
        connection.settings_dict["PORT"] = _closed_port()
        connection.settings_dict["HOST"] = "127.0.0.1"
        try:
            yield
        finally:
            connection.close()
            connection.settings_dict["PORT"], connection.settings_dict["HOST"] = saved


def test_healthz_is_503_when_the_database_is_unreachable(client, database_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"] == "unreachable"
    assert "connection" in body["error"].lower()


def test_healthz_is_not_cached(client, db):
    assert "no-cache" in client.get("/healthz")["Cache-Control"]
