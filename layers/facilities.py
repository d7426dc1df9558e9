"""Facilities and their wards: each facility is put in the ward that holds its point.

A facility's ward is derived from its location, never typed in, by the one point-to-ward
rule (``layers.wards``): the generation valid on the day (today unless told), on a shared
border the lower code, outside every ward none. Saving a facility does not run it: the
callers that place facilities (the admin, the demo loader, a boundary load) call
``assign_wards`` explicitly.
"""

from collections.abc import Iterable
from datetime import date

from django.db import connection
from django.utils import timezone

from layers.wards import WARD_RANK, with_ward_rule


def assign_wards(facility_ids: Iterable[int] | None = None, on: date | None = None) -> int:
    """Set the ward of the given facilities (all when None) as of ``on`` (today).

    One UPDATE (``sql/assign_facility_wards.sql`` over the ward rule) that writes only
    the rows whose ward changes, so running it again changes nothing; returns how many.
    """
    ids = None if facility_ids is None else list(facility_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            with_ward_rule("assign_facility_wards"),
            {"facility_ids": ids, "day": on or timezone.localdate(), "ward_rank": WARD_RANK},
        )
        return cursor.rowcount
