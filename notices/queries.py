"""What the public reads of notices: those in force at a point, a ward's feed, one notice."""

from datetime import datetime

from django.contrib.gis.geos import Point
from django.utils.translation import gettext as _
from psycopg import sql

from core.errors import InvalidParameter, NotFound
from core.sql_files import load_sql
from layers.models import AdministrativeArea, AreaLevel
from layers.target_areas import covers_sql
from layers.wards import generations_valid_on, resolve_ward
from notices.models import Notice, Status

FEED_SIZE = 50
MAX_ID = 2**63 - 1  # a bigint: a larger id in the path is simply not found

_COVERS = covers_sql(
    sql.SQL("n.geom"),
    sql.SQL("n.center"),
    sql.SQL("n.radius_m"),
    sql.SQL("ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)"),
)


def in_force(lon: float, lat: float, at: datetime) -> list[Notice]:
    """The published notices whose window holds ``at`` and whose area covers the point,
    most severe first; a point outside the city is a 400 naming ``lon``."""
    if resolve_ward(Point(lon, lat, srid=4326)) is None:  # today's city, whatever ``at``
        raise InvalidParameter(_("The point lies outside the city."), parameter="lon")
    statement = sql.SQL(load_sql("notices", "notices_in_force")).format(covers=_COVERS)
    return list(Notice.objects.raw(statement.as_string(None), {"lon": lon, "lat": lat, "at": at}))


def public_notice(notice_id: int) -> Notice:
    """A published (or withdrawn: it says so) notice; drafts do not exist for the public."""
    notice = Notice.objects.filter(pk=min(notice_id, MAX_ID)).exclude(status=Status.DRAFT).first()
    if notice is None:
        raise NotFound(_("No notice with id {id}.").format(id=notice_id))
    return notice


def feed_ward(code: str) -> AdministrativeArea:
    """The ward of a feed: of the generation in force, else of the latest one that has it."""
    wards = AdministrativeArea.objects.filter(code=code, level=AreaLevel.WARD)
    ward = wards.filter(generation__in=generations_valid_on()).first()
    ward = ward or wards.order_by("-generation__valid_from").first()
    if ward is None:
        raise NotFound(_("No ward with code {code}.").format(code=code[:20]))
    return ward


def ward_feed(ward: AdministrativeArea) -> list[Notice]:
    """The published notices whose area shares ground with ``ward``, newest first."""
    return list(
        Notice.objects.raw(
            load_sql("notices", "notices_of_ward"), {"ward_id": ward.pk, "limit": FEED_SIZE}
        )
    )
