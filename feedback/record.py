"""Write a checked report in one statement and build the item from what was written.

``sql/submit_report.sql`` finds the point's ward (the one rule), checks the category is
the version this process holds (``feedback.catalogue``) and the working calendar the
deadline was counted on is still current (``workdays.calendar.held``), finds the item it
repeats, writes the item, its first timeline event and its idempotency record, and reads
the possible duplicates the answer offers: one round trip. The item, its event and its ward
come back as model instances built from the values written (nothing is read again), with
their photos, timeline and verifications already in place for the answer. The receivers
of ``step_recorded`` (the notifications outbox) run in the same transaction, as before.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from psycopg import sql

from core.sql_files import load_sql
from feedback.duplicates import offer
from feedback.models import (
    OPEN_STATUSES,
    FeedbackCategory,
    FeedbackEvent,
    FeedbackItem,
    FeedbackPhoto,
    Role,
    Status,
)
from feedback.repeats import RESOLVED_STATUSES, repeat_distance_m
from feedback.signals import step_recorded
from feedback.workflow import Actor
from layers.models import AdministrativeArea
from layers.sql import load_sql as load_layers_sql
from layers.wards import WARD_RANK
from workdays.calendar import STATE_SQL as CALENDAR_STATE_SQL

KEY_CONSTRAINT = "idempotency_key_once"  # IdempotencyRecord's unique (scope, key)
DUPLICATES_OFFERED = 5


class Stale(Exception):
    """What the report was checked with changed since this process read it: nothing was
    written; read the catalogue and the calendar again, check again, try again."""


class StaleCategory(Stale):
    """The category changed since this process read it."""


class StaleCalendar(Stale):
    """The admin's working days changed since this process read its calendar."""


class OutsideEveryWard(Exception):
    """The point is in no ward of today's generation: nothing was written."""


class KeyTaken(Exception):
    """Another request took the ``Idempotency-Key`` first: nothing was written."""


@dataclass(frozen=True)
class Report:
    """A report checked and ready to write: every value of the item's row."""

    category: FeedbackCategory
    version: str  # of the category's row (feedback.catalogue)
    lon: float
    lat: float
    description: str
    channel: str
    address_text: str
    reporter_name: str
    reporter_phone: str
    reporter_email: str
    api_key: object | None
    consent_purpose: str
    consent_notice_version: str
    deadline_at: datetime
    calendar_state: tuple  # of the calendar the deadline was counted on (workdays.calendar)
    now: datetime
    photos: tuple = ()


@dataclass(frozen=True)
class Written:
    """What one report wrote, as instances (nothing read back), and the duplicates offered."""

    item: FeedbackItem
    event: FeedbackEvent
    duplicates: list[dict]
    photos: list = ()

    def answerable(self) -> FeedbackItem:
        """The item with its photos, timeline and (no) verifications in place, as a
        prefetch leaves them: its answer is built without a query. Only for the answer:
        a later step would not show in these lists."""
        _known(self.item, "events", [self.event])
        _known(self.item, "verifications", [])
        _known(self.item, "photos", list(self.photos))
        return self.item


@cache
def statement() -> str:
    """The report's one statement, with the ward rule, the repeat and the duplicates in."""
    return (
        sql.SQL(load_sql("feedback", "submit_report"))
        .format(
            resolve_ward=sql.SQL(load_layers_sql("resolve_ward")),
            repeat_of=sql.SQL(load_sql("feedback", "repeat_of")),
            nearby_open=sql.SQL(load_sql("feedback", "nearby_open")),
            calendar_state=sql.SQL(CALENDAR_STATE_SQL),
        )
        .as_string(None)
    )


def statement_params(report: Report, actor: Actor, code: str, scope: str, key, fingerprint) -> dict:
    """The values ``statement()`` binds for ``report`` written as item ``code``."""
    category, now = report.category, report.now
    distance = repeat_distance_m()
    radius = settings.COMMONMAP["FEEDBACK_DUPLICATE_RADIUS_M"]
    return {
        "lon": report.lon,
        "lat": report.lat,
        "day": timezone.localdate(now),
        "ward_rank": WARD_RANK,
        "category_id": category.pk,
        "version": report.version,
        "calendar_count": report.calendar_state[0],
        "calendar_last": report.calendar_state[1],
        "category": category.code,
        "code": code,
        "description": report.description,
        "channel": report.channel,
        "address": report.address_text,
        "reporter": _reporter(actor),
        "reporter_name": report.reporter_name,
        "reporter_phone": report.reporter_phone,
        "reporter_email": report.reporter_email,
        "api_key": getattr(report.api_key, "pk", None),
        "now": now,
        "deadline": report.deadline_at,
        "consent_purpose": report.consent_purpose,
        "consent_notice_version": report.consent_notice_version,
        "repeat": category.repeat_window_days > 0,
        "statuses": [str(s) for s in RESOLVED_STATUSES],
        "since": now - timedelta(days=max(0, category.repeat_window_days)),
        "distance": distance,
        "actor": actor.user.pk if actor.user is not None else None,
        "actor_role": actor.label,
        "scope": scope,
        "key": key,
        "fingerprint": fingerprint,
        "open": [str(s) for s in OPEN_STATUSES],
        "exclude": code,
        "radius": radius,
        "limit": DUPLICATES_OFFERED,
        "degrees": max(distance, radius) / 100_000,  # a degree is over 100 km here
    }


def _reporter(actor: Actor):
    return actor.user.pk if actor.role == Role.RESIDENT and actor.user is not None else None


def write(
    report: Report, actor: Actor, code: str, *, scope: str = "", key=None, fingerprint=None
) -> Written:
    """Write ``report`` as item ``code`` (with its idempotency record when ``key``), its
    photos and its first event, and tell the receivers of ``step_recorded``, in one
    transaction. Stale, OutsideEveryWard: nothing written; KeyTaken: another
    request holds ``key``; IntegrityError: ``code`` is taken (draw another)."""
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    statement(), statement_params(report, actor, code, scope, key, fingerprint)
                )
                row = cursor.fetchone()
            written = built(report, actor, code, row)
            photos = _store_photos(written.item, report.photos) if report.photos else []
            step_recorded.send(sender=FeedbackItem, item=written.item, event=written.event)
            return Written(written.item, written.event, written.duplicates, photos)
    except IntegrityError as error:
        if getattr(getattr(error.__cause__, "diag", None), "constraint_name", "") == KEY_CONSTRAINT:
            raise KeyTaken(key) from error
        raise


def built(report: Report, actor: Actor, code: str, row: tuple) -> Written:
    """The item, its event and the duplicates offered, from the statement's ``row``
    (StaleCategory, StaleCalendar, OutsideEveryWard when it wrote nothing)."""
    (current, calendar_current, ward_id, ward_code, ward_name, item_id) = row[:6]
    (repeat_of_id, public_x, public_y, event_id, *offers) = row[6:]
    if not current:
        raise StaleCategory(report.category.code)
    if not calendar_current:
        raise StaleCalendar(report.calendar_state)
    if item_id is None:
        raise OutsideEveryWard((report.lon, report.lat))
    ward = AdministrativeArea.from_db(
        connection.alias,
        ["id", "code", "name"],
        [ward_id, ward_code, ward_name],
    )
    now = report.now
    item = FeedbackItem(
        id=item_id,
        tracking_code=code,
        category=report.category,
        description=report.description,
        channel=report.channel,
        geom=Point(report.lon, report.lat, srid=4326),
        public_geom=None if public_x is None else Point(public_x, public_y, srid=4326),
        address_text=report.address_text,
        ward=ward,
        status=Status.RECEIVED,
        reporter=actor.user if _reporter(actor) is not None else None,
        reporter_name=report.reporter_name,
        reporter_phone=report.reporter_phone,
        reporter_email=report.reporter_email,
        api_key=report.api_key,
        created_at=now,
        updated_at=now,
        deadline_at=report.deadline_at.astimezone(UTC),  # as the database gives it back
        repeat_of_id=repeat_of_id,
        consent_purpose=report.consent_purpose,
        consent_notice_version=report.consent_notice_version,
        consent_at=now,
    )
    _saved(item)
    event = FeedbackEvent(
        id=event_id,
        item=item,
        at=now,
        actor=actor.user,
        actor_role=actor.label,
        from_status="",
        to_status=Status.RECEIVED,
    )
    _saved(event)
    duplicates = [offer(*columns) for columns in zip(*offers, strict=True)] if offers[0] else []
    return Written(item, event, duplicates)


def _saved(instance) -> None:
    """Mark an instance built from written values as a stored row."""
    instance._state.adding = False
    instance._state.db = connection.alias


def _known(item: FeedbackItem, name: str, objects: list) -> None:
    """Put ``objects`` in place of a query of the item's ``name`` (as a prefetch does)."""
    queryset = getattr(item, name).all()  # lazy: nothing is read
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    if not hasattr(item, "_prefetched_objects_cache"):
        item._prefetched_objects_cache = {}
    item._prefetched_objects_cache[name] = queryset


def _store_photos(item: FeedbackItem, photos: tuple) -> list[FeedbackPhoto]:
    return FeedbackPhoto.objects.bulk_create(
        FeedbackPhoto(
            item=item,
            position=position,
            content_type=photo.content_type,
            data=photo.data,
            width=photo.width,
            height=photo.height,
            size=photo.size,
            sha256=photo.sha256,
        )
        for position, photo in enumerate(photos, start=1)
    )
