"""Repeats: a report of a category at a place where the same problem was resolved shortly
before is linked to that resolution (``FeedbackItem.repeat_of``), so staff see that the fix
did not hold and the dashboard counts repeats per ward.

"Shortly" is the category's ``repeat_window_days``; "the same place" is within
``COMMONMAP["REPEAT_DISTANCE_M"]`` metres (default 50) of the resolved item's exact point,
measured on the geography (``sql/repeat_of.sql``). Staff-side only: the link is never in a
public output.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import connection

from core.sql_files import load_sql
from feedback.models import FeedbackCategory, FeedbackItem, Status

DEFAULT_DISTANCE_M = 50
RESOLVED_STATUSES = (Status.RESOLVED, Status.CLOSED)


def repeat_distance_m() -> int:
    """How near (metres) a new report must be to a resolved one to repeat it."""
    return int(settings.COMMONMAP.get("REPEAT_DISTANCE_M", DEFAULT_DISTANCE_M))


def find_repeat(category: FeedbackCategory, point: Point, now: datetime) -> FeedbackItem | None:
    """The most recently resolved item of ``category`` (resolved or closed within its
    repeat window before ``now``) within the repeat distance of ``point``; None if none."""
    if category.repeat_window_days <= 0:
        return None
    distance = repeat_distance_m()
    params = {
        "lon": point.x,
        "lat": point.y,
        "category_id": category.pk,
        "statuses": [str(s) for s in RESOLVED_STATUSES],
        "since": now - timedelta(days=category.repeat_window_days),
        "now": now,
        "degrees": distance / 100_000,  # a degree is over 100 km at the city's latitude
        "distance": distance,
    }
    with connection.cursor() as cursor:
        cursor.execute(load_sql("feedback", "repeat_of"), params)
        row = cursor.fetchone()
    return None if row is None else FeedbackItem.objects.get(pk=row[0])
