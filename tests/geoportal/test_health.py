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


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/api/v1/feedback/items/", {"category": "den-duong"}),
        ("get", "/api/v1/feedback/track/HCM-0000-0000/", None),
        ("get", "/api/v1/areas/", None),
        ("get", "/tiles/facilities/10/813/480.mvt", None),
    ],
)
def test_a_database_away_is_a_json_503_with_retry_after(client, database_down, method, path, body):
    kwargs = {"data": body, "content_type": "application/json"} if body else {}
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["code"] == "unavailable"


def test_open311_says_so_in_its_own_error_format(client, database_down):
    for fmt in ("json", "xml"):
        response = client.get(f"/open311/v2/requests.{fmt}")
        assert response.status_code == 503
        assert response["Retry-After"] == "5"
    assert client.get("/open311/v2/services.json").json()[0]["code"] == 503
