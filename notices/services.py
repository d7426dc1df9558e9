"""What staff do with notices: create (as a draft), change a draft, publish, withdraw, list
those they may manage; and the sweep that writes back the end of each window so the tile
cache forgets ended notices.

Who may: a signed-in person holding ``notices.add_notice`` (create) or
``notices.change_notice`` (publish, withdraw). Ward staff (``feedback`` staff memberships)
act only on areas within their wards (every ward of the generation in force the area
reaches); leaders, city staff and administrators anywhere. Service accounts hold no
Django permissions, so they are refused.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import BASIC_CHALLENGE, Conflict, Forbidden, NotAuthenticated, NotFound
from feedback.models import Role
from feedback.workflow import Actor, actor_for
from layers.target_areas import TargetArea
from notices.models import Notice, Status
from notices.params import NoticeInput, check_window
from notices.queries import MAX_ID

ADD = "notices.add_notice"
CHANGE = "notices.change_notice"


def staff_actor(user, permission: str) -> Actor:
    """The actor of a person holding ``permission``; 401 without an account, 403 without it."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise NotAuthenticated(
            _("Sign in (HTTP Basic, a session or an API key) to do this."),
            headers={"WWW-Authenticate": BASIC_CHALLENGE},
        )
    if not user.has_perm(permission):
        raise Forbidden(_("You may not manage notices."))
    return actor_for(user)


def require_area_in_scope(actor: Actor, wards: list[str] | tuple[str, ...]) -> None:
    """Ward staff may target only their own wards; 403 naming the others."""
    if actor.role != Role.WARD_STAFF:
        return
    outside = sorted(set(wards) - set(actor.ward_codes))
    if outside or not wards:
        raise Forbidden(
            _("The area reaches wards outside yours: {codes}.").format(
                codes=", ".join(outside[:10]) or "-"
            ),
            extra={"parameter": "area"},
        )


def create_notice(actor: Actor, data: NoticeInput) -> Notice:
    """A new draft notice from checked input, if the area is in the actor's scope."""
    require_area_in_scope(actor, data.area.current_wards)
    return Notice.objects.create(
        category=data.category,
        severity=data.severity,
        title_vi=data.title_vi,
        title_en=data.title_en,
        body_vi=data.body_vi,
        body_en=data.body_en,
        **_area_fields(data.area),
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        created_by=actor.user,
    )


@transaction.atomic
def change_draft(actor: Actor, notice_id: int, changes: dict) -> Notice:
    """Apply checked changes (``notices.params.notice_changes``) to a draft, its row locked;
    409 for a published or withdrawn notice (residents saw its text and area), 403 for a new
    area outside the actor's wards, 400 for a window that would end before it starts."""
    notice = managed_notice(actor, notice_id, for_update=True)
    if notice.status != Status.DRAFT:
        raise Conflict(
            _(
                "Only a draft can be changed; this notice is {status} and residents have "
                "seen its text and area. Withdraw it and create a new one."
            ).format(status=notice.status)
        )
    area = changes.get("area")
    if area is not None:
        require_area_in_scope(actor, area.current_wards)
    check_window(
        changes.get("starts_at", notice.starts_at),
        changes.get("ends_at", notice.ends_at),
        parameter="ends_at" if "ends_at" in changes else "starts_at",
    )
    fields = {name: value for name, value in changes.items() if name != "area"}
    if area is not None:
        fields.update(_area_fields(area))
    for name, value in fields.items():
        setattr(notice, name, value)
    notice.save(update_fields=[*fields, "updated_at"])
    return notice


def _area_fields(area: TargetArea) -> dict:
    """The notice's columns that hold a checked target area."""
    return {
        "area_kind": area.kind,
        "area_description": area.description[:500],
        "area_generation": area.generation,
        "ward_codes": list(area.ward_codes),
        "current_wards": list(area.current_wards),
        "geom": area.geom,
        "center": area.center,
        "radius_m": area.radius_m,
    }


def managed_notices(
    actor: Actor, *, status: str | None = None, ward: str | None = None, now: datetime | None = None
) -> QuerySet:
    """The notices the actor may manage, newest first: ward staff those whose area lies
    within their wards. ``status`` is a ``Status`` or "ended" (published, window over;
    "published" then means not yet ended); ``ward`` keeps the notices that reach it."""
    notices = Notice.objects.select_related("created_by")
    if actor.role == Role.WARD_STAFF:
        notices = notices.filter(current_wards__contained_by=sorted(actor.ward_codes)).exclude(
            current_wards=[]
        )
    now = now or timezone.now()
    if status == "ended":
        notices = notices.filter(status=Status.PUBLISHED, ends_at__lte=now)
    elif status == Status.PUBLISHED:
        notices = notices.filter(status=Status.PUBLISHED, ends_at__gt=now)
    elif status is not None:
        notices = notices.filter(status=status)
    if ward is not None:
        notices = notices.filter(Q(current_wards__contains=[ward]) | Q(ward_codes__contains=[ward]))
    return notices.order_by("-created_at", "-id")


def managed_notice(actor: Actor, notice_id: int, *, for_update: bool = False) -> Notice:
    """A notice the actor may manage (404 when there is none, 403 outside their wards)."""
    notices = Notice.objects.select_for_update() if for_update else Notice.objects
    notice = notices.filter(pk=min(notice_id, MAX_ID)).first()
    if notice is None:
        raise NotFound(_("No notice with id {id}.").format(id=notice_id))
    require_area_in_scope(actor, notice.current_wards)
    return notice


def notice_in_scope(actor: Actor, notice_id: int) -> Notice | None:
    """The notice if the actor may manage it, else None (the public view is theirs then)."""
    notice = Notice.objects.filter(pk=min(notice_id, MAX_ID)).first()
    if notice is None or (
        actor.role == Role.WARD_STAFF and not set(notice.current_wards) <= actor.ward_codes
    ):
        return None
    return notice


@transaction.atomic
def publish(actor: Actor, notice_id: int, now: datetime | None = None) -> Notice:
    """Publish a draft whose window has not ended; 409 otherwise, with the reason."""
    notice = managed_notice(actor, notice_id, for_update=True)
    now = now or timezone.now()
    if notice.status != Status.DRAFT:
        raise Conflict(
            _("Only a draft can be published; this notice is {status}.").format(
                status=notice.status
            )
        )
    if notice.ends_at <= now:
        raise Conflict(
            _("This notice ended at {end}; it cannot be published.").format(
                end=notice.ends_at.isoformat()
            )
        )
    notice.status = Status.PUBLISHED
    notice.published_at = now
    notice.save(update_fields=["status", "published_at", "updated_at"])
    return notice


@transaction.atomic
def withdraw(actor: Actor, notice_id: int, now: datetime | None = None) -> Notice:
    """Withdraw a published notice (it leaves every public output); 409 otherwise."""
    notice = managed_notice(actor, notice_id, for_update=True)
    if notice.status != Status.PUBLISHED:
        raise Conflict(
            _("Only a published notice can be withdrawn; this notice is {status}.").format(
                status=notice.status
            )
        )
    notice.status = Status.WITHDRAWN
    notice.withdrawn_at = now or timezone.now()
    notice.save(update_fields=["status", "withdrawn_at", "updated_at"])
    return notice


def sweep_ended(now: datetime | None = None) -> int:
    """Write back the end of every published notice ended since the last sweep: the write
    makes the tile-cache triggers forget the tiles that still show it. How many."""
    now = now or timezone.now()
    ended = Notice.objects.filter(status=Status.PUBLISHED, ends_at__lte=now, swept_at__isnull=True)
    return ended.update(swept_at=now)
