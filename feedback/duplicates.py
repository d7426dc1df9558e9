"""Possible duplicates: open items of the same category near a point.

Offered to the resident before and after submitting ("someone already reported this
light"), and to staff, who may merge an item into another (``workflow.transition`` to
"merged"). Only public fields leave here, and the distance is measured to the item's public
(coarsened) location and rounded to 10 m, so the offer reveals no exact point.

Anyone may ask, from any point, as often as they like: so whether an item is offered, and in
which order, is decided on the public point too. A filter or an ordering on the exact point
would let a caller walking query points along rays find where a resident stood (issue 12).
"""

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import connection

from core.sql_files import load_sql
from feedback.models import OPEN_STATUSES

SNIPPET = 200


def nearby_open(
    category: str, point: Point, *, exclude: str = "", limit: int = 5, radius_m: int | None = None
) -> list[dict]:
    """Open items of ``category`` within the radius of ``point``, nearest first."""
    radius = radius_m or settings.COMMONMAP["FEEDBACK_DUPLICATE_RADIUS_M"]
    params = {
        "lon": point.x,
        "lat": point.y,
        "category": category,
        "open": list(OPEN_STATUSES),
        "exclude": exclude,
        "degrees": radius / 100_000,  # a degree is over 100 km at the city's latitude
        "radius": radius,
        "limit": limit,
    }
    with connection.cursor() as cursor:
        cursor.execute(load_sql("feedback", "nearby_open"), params)
        rows = cursor.fetchall()
    return [offer(*row) for row in rows]


def offer(code: str, status: str, category: str, text: str, created, metres) -> dict:
    """One row of ``sql/nearby_open.sql`` as offered (public fields, a snippet of the text)."""
    return {
        "tracking_code": code,
        "status": status,
        "category": category,
        "description": text if len(text) <= SNIPPET else text[: SNIPPET - 1] + "…",
        "created_at": created,
        "distance_m": int(metres),
    }
