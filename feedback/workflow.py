"""The feedback workflow: who may see an item, which steps exist, and who may take each.

One table (``TRANSITIONS``) says which status may follow which and for which roles; every
step is checked against it, the item is locked while it moves, and the step is recorded as
a ``FeedbackEvent`` (the resident's timeline; its internal note is for staff only). Ward
staff act only in their own wards: an item elsewhere does not exist for them (404, not
403), so codes cannot be probed.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, Forbidden, InvalidParameter, NotFound
from feedback import deadlines
from feedback.models import (
    FeedbackEvent,
    FeedbackItem,
    Role,
    StaffMembership,
    Status,
)
from feedback.signals import step_recorded

# How long after "resolved" the resident may reopen the item.
REOPEN_WINDOW = timedelta(days=7)

STAFF = {Role.WARD_STAFF, Role.CITY_STAFF, Role.ADMIN}
SENIOR = {Role.CITY_STAFF, Role.ADMIN}

TRANSITIONS: dict[tuple[str, str], set[str]] = {
    (Status.RECEIVED, Status.ACCEPTED): STAFF,
    (Status.RECEIVED, Status.REJECTED): STAFF,
    (Status.RECEIVED, Status.MERGED): STAFF,
    (Status.ACCEPTED, Status.IN_PROGRESS): STAFF,
    (Status.ACCEPTED, Status.RESOLVED): STAFF,
    (Status.ACCEPTED, Status.MERGED): STAFF,
    (Status.IN_PROGRESS, Status.RESOLVED): STAFF,
    (Status.IN_PROGRESS, Status.MERGED): STAFF,
    # Staff ask the resident for more (a public note says what): the deadline's clock is
    # paused until staff, or the reporter answering, take the item back in hand.
    (Status.ACCEPTED, Status.AWAITING_INFO): STAFF,
    (Status.IN_PROGRESS, Status.AWAITING_INFO): STAFF,
    (Status.AWAITING_INFO, Status.IN_PROGRESS): {Role.RESIDENT, *STAFF},
    # The resident confirms, or the city closes; the resident may reopen within the window.
    (Status.RESOLVED, Status.CLOSED): {Role.RESIDENT, *SENIOR},
    (Status.RESOLVED, Status.IN_PROGRESS): {Role.RESIDENT, *SENIOR},
    # A wrong rejection is undone by the city, not by the ward that made it.
    (Status.REJECTED, Status.RECEIVED): SENIOR,
}

# The roles in order of reach; a user with several memberships acts with the widest.
_REACH = [Role.ADMIN, Role.CITY_STAFF, Role.LEADER, Role.WARD_STAFF, Role.OPERATOR]


@dataclass(frozen=True)
class Actor:
    """Who is acting: the user (None for an anonymous resident), the role, and the wards."""

    user: object | None
    role: str
    ward_codes: frozenset[str] = field(default_factory=frozenset)
    # Items a resident reported through an item merged into them (feedback.verification
    # names them after checking the merge chain): they may dispute their resolution only.
    via_merged: frozenset[int] = field(default_factory=frozenset)

    @property
    def label(self) -> str:
        """The role as recorded on the timeline."""
        return self.role


def actor_for(user) -> Actor:
    """The actor a (possibly anonymous) user is: the widest of their staff roles, else resident."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Actor(None, Role.RESIDENT)
    if user.is_superuser:
        return Actor(user, Role.ADMIN)
    memberships = list(StaffMembership.objects.filter(user=user))
    roles = {m.role for m in memberships}
    for role in _REACH:
        if role in roles:
            wards = frozenset(m.ward_code for m in memberships if m.role == Role.WARD_STAFF)
            return Actor(user, role, wards)
    return Actor(user, Role.RESIDENT)


def visible_items(actor: Actor) -> QuerySet:
    """The items this actor may see (with their private fields, where staff)."""
    items = FeedbackItem.objects.all()
    if actor.role in (Role.ADMIN, Role.CITY_STAFF, Role.LEADER, Role.OPERATOR):
        return items
    if actor.role == Role.WARD_STAFF:
        return items.filter(ward__code__in=actor.ward_codes)
    if actor.user is None:
        return items.none()
    if actor.via_merged:
        return items.filter(Q(reporter=actor.user) | Q(pk__in=actor.via_merged))
    return items.filter(reporter=actor.user)


def get_item(actor: Actor, tracking_code: str, *, for_update: bool = False) -> FeedbackItem:
    """The item with this code, if the actor may see it; NotFound otherwise (even if it exists)."""
    items = visible_items(actor)
    if for_update:
        items = items.select_for_update(of=("self",))
    item = items.select_related("category", "ward").filter(tracking_code=tracking_code).first()
    if item is None:
        raise NotFound(_("No feedback item {code}.").format(code=tracking_code))
    return item


def is_overdue(item: FeedbackItem, now=None) -> bool:
    """Open past its deadline, and not paused (``feedback.deadlines``)."""
    return deadlines.is_overdue(item, now or timezone.now())


def allowed_next(actor: Actor, item: FeedbackItem) -> list[str]:
    """The statuses this actor may move the item to now (for the staff tools)."""
    return [
        to
        for (source, to), roles in TRANSITIONS.items()
        if source == item.status and actor.role in roles and _may_act(actor, item, to) is None
    ]


def _may_act(actor: Actor, item: FeedbackItem, to: str) -> str | None:
    """Why the actor may not take this step on this item (None: they may)."""
    if actor.role == Role.RESIDENT:
        reopening = item.status == Status.RESOLVED and to == Status.IN_PROGRESS
        merged_reporter = reopening and item.pk in actor.via_merged
        if actor.user is None or (item.reporter_id != actor.user.pk and not merged_reporter):
            return _("Only the resident who reported the item may do this.")
        if reopening and item.resolved_at and timezone.now() - item.resolved_at > REOPEN_WINDOW:
            return _("An item can be reopened within {days} days of its resolution.").format(
                days=REOPEN_WINDOW.days
            )
    if actor.role == Role.WARD_STAFF and item.ward.code not in actor.ward_codes:
        return _("Ward staff act only on their own ward's items.")
    return None


@transaction.atomic
def transition(
    actor: Actor,
    tracking_code: str,
    to: str,
    note: str = "",
    *,
    reason: str = "",
    merge_into: str | None = None,
    internal_note: str = "",
) -> FeedbackItem:
    """Move an item to ``to``: checked against the table and the actor, then recorded.
    ``note`` is public (the resident's timeline); ``internal_note`` is for staff only."""
    item = get_item(actor, tracking_code, for_update=True)
    if to not in Status.values:
        raise InvalidParameter(
            _("Unknown status {status}.").format(status=repr(to)), parameter="status"
        )
    roles = TRANSITIONS.get((item.status, to))
    if roles is None:
        raise Conflict(
            _("An item that is {current} cannot become {to}.").format(
                current=Status(item.status).label, to=Status(to).label
            )
        )
    if actor.role not in roles:
        raise Forbidden(
            _("A {role} may not move an item from {current} to {to}.").format(
                role=Role(actor.role).label,
                current=Status(item.status).label,
                to=Status(to).label,
            )
        )
    refusal = _may_act(actor, item, to)
    if refusal:
        raise Forbidden(refusal)
    if internal_note.strip() and actor.role not in STAFF:
        raise Forbidden(_("Only staff may add an internal note."))
    if to == Status.REJECTED:
        if not reason.strip():
            raise InvalidParameter(_("A rejection needs its reason."), parameter="reason")
        item.rejection_reason = reason.strip()
    if to == Status.MERGED:
        item.merged_into = _merge_target(actor, item, merge_into)
    if to == Status.RESOLVED:
        item.resolved_at = timezone.now()
    if item.status == Status.RESOLVED and to == Status.IN_PROGRESS:
        item.resolved_at = None
    if item.status == Status.REJECTED and to == Status.RECEIVED:
        item.rejection_reason = ""
    if to == Status.AWAITING_INFO:
        if not note.strip():
            raise InvalidParameter(
                _("Asking the resident for more needs a note saying what is needed."),
                parameter="note",
            )
        deadlines.pause(item, timezone.now())
    if item.status == Status.AWAITING_INFO:
        deadlines.resume(item, timezone.now())
    event = FeedbackEvent.objects.create(
        item=item,
        actor=actor.user,
        actor_role=actor.label,
        from_status=item.status,
        to_status=to,
        note=note.strip() or reason.strip(),
        internal_note=internal_note.strip(),
    )
    item.status = to
    item.save()
    step_recorded.send(sender=FeedbackItem, item=item, event=event)
    return item


def _merge_target(actor: Actor, item: FeedbackItem, code: str | None) -> FeedbackItem:
    if not code:
        raise InvalidParameter(_("A merge needs the item to merge into."), parameter="merge_into")
    if code == item.tracking_code:
        raise InvalidParameter(_("An item cannot be merged into itself."), parameter="merge_into")
    target = get_item(actor, code)
    if target.status in (Status.MERGED, Status.REJECTED):
        raise Conflict(
            _("Item {code} is {status}; merge into the item it points to instead.").format(
                code=code, status=Status(target.status).label
            )
        )
    return target


@transaction.atomic
def rate(actor: Actor, tracking_code: str, rating: int, comment: str = "") -> FeedbackItem:
    """The reporter rates the resolution (1-5, with a comment), once it is resolved or closed."""
    item = get_item(actor, tracking_code, for_update=True)
    if actor.user is None or item.reporter_id != actor.user.pk:
        raise Forbidden(_("Only the resident who reported the item may rate it."))
    if item.status not in (Status.RESOLVED, Status.CLOSED):
        raise Conflict(_("An item can be rated once it is resolved."))
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise InvalidParameter(_("A rating is a whole number from 1 to 5."), parameter="rating")
    item.rating, item.rating_comment, item.rated_at = rating, comment.strip(), timezone.now()
    item.save(update_fields=["rating", "rating_comment", "rated_at", "updated_at"])
    return item
