"""Reads of feedback: the items an actor may list (their role's and wards' scope, filtered),
an item by its tracking code for the public, a photo, the catalogue, possible duplicates,
and the requests Open311 publishes. Plain arguments in, querysets or models out; the REST
views, the Open311 views and the residents' page all read through here."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.gis.geos import Point, Polygon
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import InvalidParameter, NotFound
from feedback import duplicates
from feedback.models import (
    OPEN_STATUSES,
    FeedbackCategory,
    FeedbackEvent,
    FeedbackItem,
    FeedbackPhoto,
    FeedbackVerification,
    IdempotencyRecord,
)
from feedback.shapes import is_public
from feedback.workflow import Actor, visible_items

# Open311 answers at most this many requests per list (the specification's own paging).
MAX_GEOREPORT_REQUESTS = 1000
# The staff list's orders besides the default (newest first).
SORT_DEADLINE = "deadline"


@dataclass(frozen=True)
class ItemFilters:
    """What a staff list is narrowed to; an empty tuple or None leaves that part open."""

    statuses: tuple[str, ...] = ()
    wards: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    created_after: datetime | None = None
    created_before: datetime | None = None
    bbox: tuple[float, float, float, float] | None = None  # min lon, min lat, max lon, max lat
    overdue: bool | None = None
    repeat: bool | None = None  # staff: only repeats of a recent resolution (or none)
    sort: str = ""  # "" newest first; "deadline": the soonest deadline first


def items_for(actor: Actor, filters: ItemFilters | None = None) -> QuerySet:
    """The items ``actor`` may see (staff: their scope; a resident: their own) that match
    ``filters``, newest first."""
    return filter_items(visible_items(actor), filters or ItemFilters())


def filter_items(items: QuerySet, filters: ItemFilters) -> QuerySet:
    """``items`` narrowed to ``filters``, newest first or by deadline (the id breaks ties,
    so pages are stable)."""
    if filters.statuses:
        items = items.filter(status__in=filters.statuses)
    if filters.wards:
        items = items.filter(ward__code__in=filters.wards)
    if filters.categories:
        items = items.filter(category__code__in=filters.categories)
    if filters.channels:
        items = items.filter(channel__in=filters.channels)
    if filters.created_after:
        items = items.filter(created_at__gte=filters.created_after)
    if filters.created_before:
        items = items.filter(created_at__lte=filters.created_before)
    if filters.bbox:
        box = Polygon.from_bbox(filters.bbox)
        box.srid = 4326
        items = items.filter(geom__intersects=box)
    if filters.overdue is not None:
        # As feedback.deadlines.is_overdue: open, its clock running (not paused), past due.
        late = items.filter(
            status__in=OPEN_STATUSES, paused_at__isnull=True, deadline_at__lt=timezone.now()
        )
        items = late if filters.overdue else items.exclude(pk__in=late.values("pk"))
    if filters.repeat is not None:
        items = items.filter(repeat_of__isnull=not filters.repeat)
    if filters.sort == SORT_DEADLINE:
        return items.order_by("deadline_at", "id")
    return items.order_by("-created_at", "-id")


def with_private_details(items: QuerySet) -> QuerySet:
    """``items`` with what their private JSON reads fetched up front: a list page costs the
    same number of queries for one item as for fifty."""
    items = items.select_related(
        "category", "ward", "reporter", "merged_into", "api_key", "repeat_of"
    )
    return items.prefetch_related(
        Prefetch("verifications", queryset=FeedbackVerification.objects.select_related("via_item")),
        Prefetch("photos", queryset=FeedbackPhoto.objects.only("item_id", "position")),
        Prefetch("events", queryset=FeedbackEvent.objects.select_related("actor")),
    )


def public_item(code: str) -> FeedbackItem:
    """An item by tracking code, for the public view (every status: the code is the key)."""
    item = (
        FeedbackItem.objects.select_related("category", "ward", "merged_into")
        .filter(tracking_code=code)
        .first()
    )
    if item is None:
        raise NotFound(_("No feedback item {code}.").format(code=code))
    return item


def photo_of(actor: Actor, code: str, position: int) -> tuple[FeedbackPhoto, bool]:
    """Photo ``position`` of item ``code`` and whether it is public (the item is on the
    public map); staff in scope and the reporter also get those of other items. NotFound,
    with one message, for no such item, an item not theirs, and no such photo."""
    missing = NotFound(_("No photo {n} of {code}.").format(n=position, code=code))
    item = FeedbackItem.objects.filter(tracking_code=code).first()
    if item is None:
        raise missing
    public = is_public(item)
    if not public and not visible_items(actor).filter(pk=item.pk).exists():
        raise missing
    stored = FeedbackPhoto.objects.filter(item=item, position=position).first()
    if stored is None:
        raise missing
    return stored, public


def active_categories() -> QuerySet:
    """The catalogue: the categories a report may be filed under, in their order."""
    return FeedbackCategory.objects.filter(is_active=True)


def possible_duplicates(category: str, lon: float, lat: float) -> list[dict]:
    """Open items of ``category`` near the point (public fields only); an unknown category
    is a 400 naming ``category``."""
    if not FeedbackCategory.objects.filter(code=category).exists():
        raise InvalidParameter(
            _("Unknown feedback category {code}.").format(code=repr(category)),
            parameter="category",
        )
    return duplicates.nearby_open(category, Point(lon, lat, srid=4326))


def duplicates_of(item: FeedbackItem) -> list[dict]:
    """Open items of the item's category near it, itself excluded (public fields only)."""
    return duplicates.nearby_open(item.category.code, item.geom, exclude=item.tracking_code)


# --- Open311: every request is public (its coarsened point, no reporter) ------------------


@dataclass(frozen=True)
class RequestFilters:
    """GeoReport v2's filters: ``ids`` alone (the others are then ignored, as the
    specification says), or service codes, open/closed and a creation window."""

    ids: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()
    status: str | None = None  # "open" or "closed"; None: both
    start: datetime | None = None
    end: datetime | None = None


def georeport_requests(filters: RequestFilters) -> QuerySet:
    """The requests matching ``filters``, newest first, at most MAX_GEOREPORT_REQUESTS.
    Rejected and merged ones are listed too (closed): clients learn their fate from the
    list as from the id."""
    items = _requests()
    if filters.ids:
        items = items.filter(tracking_code__in=filters.ids)
    else:
        if filters.service_codes:
            items = items.filter(category__code__in=filters.service_codes)
        if filters.status == "open":
            items = items.filter(status__in=OPEN_STATUSES)
        elif filters.status == "closed":
            items = items.exclude(status__in=OPEN_STATUSES)
        if filters.start:
            items = items.filter(created_at__gte=filters.start)
        if filters.end:
            items = items.filter(created_at__lte=filters.end)
    photos = Prefetch("photos", queryset=FeedbackPhoto.objects.only("item_id", "position"))
    return items.prefetch_related(photos).order_by("-created_at")[:MAX_GEOREPORT_REQUESTS]


def georeport_request(code: str) -> FeedbackItem:
    """One request by its id (the tracking code), whatever became of it; NotFound if none."""
    item = _requests().filter(tracking_code=code).first()
    if item is None:
        raise NotFound(_("No service request {id}.").format(id=code))
    return item


def _requests() -> QuerySet:
    return FeedbackItem.objects.select_related("category", "ward", "merged_into")


def request_for_token(token: str) -> FeedbackItem:
    """The request a token (the ``Idempotency-Key`` of a service account's POST) became."""
    record = (
        IdempotencyRecord.objects.filter(key=token, scope__startswith="key:")
        .select_related("item")
        .first()
    )
    if record is None:
        raise NotFound(_("No request was filed with token {token}.").format(token=token))
    return record.item
