"""What the GeoJSON API tests share: constants and helpers that read answers."""

import json

from django.contrib.auth.models import Permission, User
from pyproj import Geod

GEOD = Geod(ellps="WGS84")
BEN_THANH = (106.7009, 10.7769)  # lon, lat near Bến Thành market


def error_body(response, status: int, parameter: str | None = None) -> dict:
    """The JSON error body, after checking its status and the parameter it names."""
    assert response.status_code == status, response.content
    body = response.json()
    assert body["detail"]
    if parameter is not None:
        assert body["parameter"] == parameter
    return body


def ok_body(response) -> dict:
    """The JSON (or GeoJSON, streamed or not) of a 200."""
    assert response.status_code == 200, response.content
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return json.loads(content)


def walk_features(client, url: str, params: dict) -> list[dict]:
    """Every feature of every page, following the next links."""
    body = ok_body(client.get(url, params))
    features = list(body["features"])
    while body["next"]:
        body = ok_body(client.get(body["next"]))
        features += body["features"]
    return features


def sample_schema(*extra: dict) -> list[dict]:
    """The attribute schema of the test layers (and ``extra`` attributes)."""
    return [
        {"name": "ten", "type": "string", "title": "Tên"},
        {"name": "so_giuong", "type": "integer", "title": "Số giường"},
        {"name": "cong_suat", "type": "number"},
        {"name": "mo_cua", "type": "boolean"},
        {"name": "ghi_chu_noi_bo", "type": "string", "public": False},
        *extra,
    ]


def user_with(*codenames: str) -> User:
    """A user with these permissions (a fresh permission cache)."""
    user = User.objects.create_user("can-bo", password="x")
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return User.objects.get(pk=user.pk)  # fresh permission cache
