"""No public endpoint gives away where a resident stood (issue 12, high 1).

Two attacks, both tried for real:
- walking query points along rays and watching when an item is offered as a duplicate
  (anonymous and unthrottled), then trilaterating: what it finds is the public point;
- the stronger statement behind it: moving an item's exact point inside its public grid cell
  changes no answer of any public endpoint (duplicates, features with near/nearest/bbox/
  ordering, the layer's extent, exports, OGC items, vector tiles and their counted cells,
  TileJSON, Open311, tracking), so nothing public can depend on the exact point.
"""

import gzip
import math
import re

import mapbox_vector_tile
import pytest
from django.db import connection
from pyproj import Transformer

from feedback.intake import Submission, submit
from feedback.models import FeedbackItem

from .conftest import inside

pytestmark = pytest.mark.django_db

TO_UTM = Transformer.from_crs(4326, 32648, always_xy=True)
TO_LONLAT = Transformer.from_crs(32648, 4326, always_xy=True)
CATEGORY = "tieng-on"  # public precision 100 m
GRID = 100
RADIUS = 50  # COMMONMAP_FEEDBACK_DUPLICATE_RADIUS_M's default


def _cell_node(ward) -> tuple[float, float]:
    """A node of the category's 100 m grid (UTM 48N) well inside the ward."""
    x, y = TO_UTM.transform(*inside(ward))
    return round(x / GRID) * GRID, round(y / GRID) * GRID


def _lonlat(x: float, y: float) -> tuple[float, float]:
    return TO_LONLAT.transform(x, y)


@pytest.fixture
def noise(wards, actors) -> FeedbackItem:
    """A noise report 36 m from its public grid node (same cell, inside the duplicate radius)."""
    nx, ny = _cell_node(wards[0])
    lon, lat = _lonlat(nx + 30, ny + 20)
    item = submit(
        Submission(
            category=CATEGORY, description="Karaoke đến 2 giờ sáng", channel="app", lon=lon, lat=lat
        ),
        actors["resident"],
    )
    item.refresh_from_db()
    return item


def _offered(client, lon: float, lat: float, code: str) -> bool:
    response = client.get(
        "/api/v1/feedback/duplicates/", {"category": CATEGORY, "lon": lon, "lat": lat}
    )
    assert response.status_code == 200
    return code in {r["tracking_code"] for r in response.json()["results"]}


def _edge_along(client, start: tuple[float, float], angle: float, code: str) -> tuple:
    """Binary search along a ray from ``start`` (UTM) for where the item stops being offered."""
    inner, outer = 0.0, 400.0
    for _ in range(24):
        middle = (inner + outer) / 2
        x = start[0] + middle * math.cos(angle)
        y = start[1] + middle * math.sin(angle)
        if _offered(client, *_lonlat(x, y), code):
            inner = middle
        else:
            outer = middle
    return start[0] + inner * math.cos(angle), start[1] + inner * math.sin(angle)


def _circumcentre(a, b, c) -> tuple[float, float]:
    (ax, ay), (bx, by), (cx, cy) = a, b, c
    d = 2 * (ax * (by - cy) + bx * (cy - ay) + cx * (ay - by))
    ux = (ax**2 + ay**2) * (by - cy) + (bx**2 + by**2) * (cy - ay) + (cx**2 + cy**2) * (ay - by)
    uy = (ax**2 + ay**2) * (cx - bx) + (bx**2 + by**2) * (ax - cx) + (cx**2 + cy**2) * (bx - ax)
    return ux / d, uy / d


def test_walking_rays_through_duplicates_finds_the_public_point_not_the_exact_one(client, noise):
    exact = TO_UTM.transform(noise.geom.x, noise.geom.y)
    public = TO_UTM.transform(noise.public_geom.x, noise.public_geom.y)
    assert math.dist(exact, public) > 30  # the secret is worth finding
    assert _offered(client, noise.geom.x, noise.geom.y, noise.tracking_code)
    edges = [
        _edge_along(client, exact, math.radians(a), noise.tracking_code) for a in (10, 130, 250)
    ]
    found = _circumcentre(*edges)
    assert math.dist(found, public) < 2
    assert math.dist(found, exact) > 30
    for edge in edges:  # the edge is the radius around the public point, not the exact one
        assert abs(math.dist(edge, public) - RADIUS) < 1


def _tile(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 1 << z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def _text(response) -> str:
    """The body, without the one part that changes by itself (OGC's ``timeStamp``)."""
    assert response.status_code in (200, 204), (response.status_code, response.content[:300])
    if response.streaming:
        text = b"".join(response.streaming_content).decode()
    else:
        text = response.content.decode()
    return re.sub(r'"timeStamp": ?"[^"]*"', "", text)


def _tile_features(client, url: str) -> list:
    with connection.cursor() as cursor:  # computed now, not a tile cached before the move
        cursor.execute("DELETE FROM tiles_cachedtile")
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    if response.status_code == 204:
        return []
    assert response.status_code == 200
    decoded = mapbox_vector_tile.decode(gzip.decompress(response.content))
    features = decoded.get("feedback", {}).get("features", [])
    return sorted((repr(f["geometry"]), sorted(f["properties"].items(), key=str)) for f in features)


def _public_answers(client, noise: FeedbackItem, probes: list[tuple[float, float]]) -> dict:
    """Every public answer that could depend on where the item is."""
    answers = {}
    for i, (lon, lat) in enumerate(probes):
        answers[f"duplicates {i}"] = _text(
            client.get(
                "/api/v1/feedback/duplicates/", {"category": CATEGORY, "lon": lon, "lat": lat}
            )
        )
        for radius in (20, 45, 60, 90):
            answers[f"near {i} {radius}"] = _text(
                client.get(
                    "/api/v1/layers/feedback/features/",
                    {"near": f"{lon},{lat}", "radius": radius, "category": CATEGORY},
                )
            )
        answers[f"nearest {i}"] = _text(
            client.get(
                "/api/v1/layers/feedback/features/",
                {"nearest": f"{lon},{lat}", "k": 3, "category": CATEGORY},
            )
        )
        for half in (0.0002, 0.0004, 0.0008):
            box = f"{lon - half},{lat - half},{lon + half},{lat + half}"
            answers[f"bbox {i} {half}"] = _text(
                client.get("/api/v1/layers/feedback/features/", {"bbox": box})
            )
            answers[f"ogc bbox {i} {half}"] = _text(
                client.get("/ogc/collections/feedback/items", {"bbox": box, "f": "json"})
            )
    answers["ordering"] = _text(
        client.get("/api/v1/layers/feedback/features/", {"ordering": "-created_at,tracking_code"})
    )
    answers["layer"] = _text(client.get("/api/v1/layers/feedback/"))
    answers["export"] = _text(client.get("/api/v1/layers/feedback/export/"))
    answers["ogc collection"] = _text(client.get("/ogc/collections/feedback", {"f": "json"}))
    answers["ogc items"] = _text(client.get("/ogc/collections/feedback/items", {"f": "json"}))
    answers["tilejson"] = _text(client.get("/tiles/feedback.json"))
    answers["track"] = _text(client.get(f"/api/v1/feedback/track/{noise.tracking_code}/"))
    answers["open311"] = _text(client.get("/open311/v2/requests.json"))
    answers["open311 one"] = _text(client.get(f"/open311/v2/requests/{noise.tracking_code}.json"))
    lon, lat = noise.public_geom.x, noise.public_geom.y
    for z in range(6, 19):  # counted cells below z12, points above
        x, y = _tile(lon, lat, z)
        answers[f"tile {z}"] = _tile_features(client, f"/tiles/feedback/{z}/{x}/{y}.mvt")
    return answers


def test_moving_the_exact_point_inside_its_cell_changes_no_public_answer(client, noise, wards):
    nx, ny = _cell_node(wards[0])
    probes = [
        _lonlat(nx + dx, ny + dy) for dx in (-60, -25, 0, 25, 60) for dy in (-60, -20, 20, 60)
    ]
    probes.append((noise.geom.x, noise.geom.y))
    before = _public_answers(client, noise, probes)
    public_before = (noise.public_geom.x, noise.public_geom.y)
    moved = _lonlat(nx - 35, ny - 40)  # the other corner of the same cell, 73 m away
    with connection.cursor() as cursor:  # as psql would: no ORM, no updated_at
        cursor.execute(
            "UPDATE feedback_feedbackitem SET geom = ST_SetSRID(ST_MakePoint(%s, %s), 4326) "
            "WHERE id = %s",
            [*moved, noise.id],
        )
    noise.refresh_from_db()
    assert (noise.public_geom.x, noise.public_geom.y) == public_before
    assert math.dist(TO_UTM.transform(*moved), TO_UTM.transform(nx + 30, ny + 20)) > 70
    after = _public_answers(client, noise, probes)
    changed = [name for name in before if before[name] != after[name]]
    assert changed == []
    # The probes did see the item: the comparison is not between empty answers.
    assert noise.tracking_code in before["duplicates 20"]
    assert noise.tracking_code in before["near 20 60"]
    assert any(noise.tracking_code in str(before[f"tile {z}"]) for z in range(12, 19))
