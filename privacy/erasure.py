"""Erasing a reporter's personal data from an item, the one way retention and erasure
requests both do it: name, phone, e-mail and address text emptied, the account unlinked,
the exact point replaced by a coarse one, photos flagged as showing a face or a number
plate deleted, ``personal_erased_at`` set. The item, its ward, status, timeline and the
dashboard's statistics stay.

The dashboard places an item by its point in every boundary generation
(dashboard/sql/facts_install.sql), so the coarse point must fall in the same ward as the
exact one in each of them: the public (grid-snapped) point when it does, else a point on
the surface of the wards that held the exact point (the same in every generation). The
item's ``ward`` is never changed. When the coarse point is not the public one, the database
snaps the public point again from it (feedback migration 0004): it may move by one cell.
"""

from datetime import datetime

from django.contrib.gis.geos import Point
from django.db import transaction

from feedback.models import FeedbackItem, FeedbackPhoto
from layers.models import BoundaryGeneration
from layers.wards import resolve_wards


def _same_wards(exact: Point, candidate: Point, days: list) -> bool:
    for day in days:
        held, placed = resolve_wards([exact, candidate], on=day)
        if (held and held.pk) != (placed and placed.pk):
            return False
    return True


def coarse_point(item: FeedbackItem) -> Point:
    """A point that no longer tells where the reporter stood, in the same ward as the
    exact point in every boundary generation."""
    exact = item.geom
    generations = BoundaryGeneration.objects.order_by("valid_from")
    days = list(generations.values_list("valid_from", flat=True))
    candidate = item.public_geom or exact
    if _same_wards(exact, candidate, days):
        return candidate
    shapes = [ward.geom for day in days if (ward := resolve_wards([exact], on=day)[0])]
    common = shapes[0]
    for shape in shapes[1:]:
        common = common.intersection(shape)
    fallback = common.point_on_surface
    fallback.srid = 4326
    if not common.empty and _same_wards(exact, fallback, days):
        return fallback
    return exact  # a point on a border shared by all: nothing coarser stays in its wards


def erase_personal(item_ids: list[int], now: datetime) -> list[str]:
    """Erase the personal data of these items (locked while erased); their tracking codes.
    Items already erased are left as they are."""
    erased = []
    with transaction.atomic():
        items = (
            FeedbackItem.objects.select_for_update(of=("self",))
            .filter(pk__in=item_ids, personal_erased_at__isnull=True)
            .order_by("pk")
        )
        for item in items:
            item.geom = coarse_point(item)
            item.reporter_name = item.reporter_phone = item.reporter_email = ""
            item.address_text = ""
            item.reporter = None
            item.personal_erased_at = now
            item.save(
                update_fields=[
                    "geom",
                    "reporter_name",
                    "reporter_phone",
                    "reporter_email",
                    "address_text",
                    "reporter",
                    "personal_erased_at",
                    "updated_at",
                ]
            )
            FeedbackPhoto.objects.filter(item=item, has_personal_data=True).delete()
            erased.append(item.tracking_code)
    return erased
