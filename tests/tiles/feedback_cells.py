"""Helpers of the feedback-cell tests: the cells as tiles read them (compacted rows plus
pending deltas, expanded to every level here, in Python) and the same cells counted
independently from the public points, with the cell arithmetic written again here."""

import math
from collections import Counter
from datetime import timedelta

from django.contrib.gis.geos import Point
from django.db import connection
from django.utils import timezone

from feedback.models import FeedbackCategory, FeedbackItem
from feedback.public import PUBLIC_STATUSES
from layers.models import AdministrativeArea

WORLD = 40075016.685578488
HALF = WORLD / 2
TOP = 14  # the pyramid's finest level (tiles/pyramid.py TOP_LEVEL), written out again here


def ward_and_point() -> tuple[AdministrativeArea, tuple[float, float]]:
    """A ward of the current generation and a point well inside it."""
    ward = (
        AdministrativeArea.objects.filter(level="ward", generation__valid_to__isnull=True)
        .order_by("code")
        .first()
    )
    point = ward.geom.point_on_surface
    return ward, (point.x, point.y)


def item_at(
    code: str, lon: float, lat: float, ward, category: str, status: str = "received", **fields
) -> FeedbackItem:
    """A report at lon/lat (its public point is set by the database); ``fields`` as given."""
    return FeedbackItem.objects.create(
        tracking_code=code,
        category=FeedbackCategory.objects.get(code=category),
        description="thử",
        channel="app",
        geom=Point(lon, lat, srid=4326),
        ward=ward,
        status=status,
        deadline_at=timezone.now() + timedelta(days=3),
        **fields,
    )


def cells() -> dict[tuple[int, int, int, str], int]:
    """(z, cx, cy, grp) -> count of the feedback layer: tiles_pointcell plus the pending
    deltas (kept at the top level) halved down to every level; cells of 0 left out."""
    counts: Counter = Counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT z, cx, cy, grp, n FROM tiles_pointcell WHERE layer = 'feedback'")
        for z, cx, cy, grp, n in cursor.fetchall():
            counts[(z, cx, cy, grp)] += n
        cursor.execute("SELECT cx, cy, grp, n FROM tiles_pointdelta WHERE layer = 'feedback'")
        for cx, cy, grp, n in cursor.fetchall():
            for z in range(TOP + 1):
                counts[(z, cx >> (TOP - z), cy >> (TOP - z), grp)] += n
    return {key: n for key, n in counts.items() if n}


def _public_points() -> list[tuple[float, float, str, str]]:
    """(x, y, category, status) in Web Mercator of every item the public layer shows."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_X(p), ST_Y(p), c.code, t.status FROM feedback_feedbackitem AS t "
            "JOIN feedback_feedbackcategory AS c ON c.id = t.category_id "
            "CROSS JOIN LATERAL (SELECT ST_Transform(t.public_geom, 3857) AS p) AS m "
            "WHERE t.status = ANY (%s) AND t.public_geom IS NOT NULL",
            [list(PUBLIC_STATUSES)],
        )
        return cursor.fetchall()


def counted_from_public_points() -> dict[tuple[int, int, int, str], int]:
    """The same cells as ``cells()``, counted from the public points at every level."""
    counts: Counter = Counter()
    for x, y, category, status in _public_points():
        for z in range(TOP + 1):
            size = WORLD / 2**z / 64
            cx, cy = math.floor((x + HALF) / size), math.floor((HALF - y) / size)
            for grp in ("", f"category={category}", f"status={status}"):
                counts[(z, cx, cy, grp)] += 1
    return dict(counts)


def public_points_in_tile(z: int, x: int, y: int) -> dict[str, int]:
    """The counts a clustered tile should carry: ``count`` and count_<property>_<value>."""
    width = WORLD / 2**z
    left, top = -HALF + x * width, HALF - y * width
    counts: Counter = Counter()
    for px, py, category, status in _public_points():
        if left <= px < left + width and top - width < py <= top:
            counts["count"] += 1
            counts[f"count_category_{category}"] += 1
            counts[f"count_status_{status}"] += 1
    return dict(counts)
