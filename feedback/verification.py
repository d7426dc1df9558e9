"""Residents verify a fix: after "resolved", the reporter of the item and the reporters of
the items merged into it (following chains of merges) confirm or dispute the resolution
within the reopen window (``workflow.REOPEN_WINDOW``).

Each verdict is a ``FeedbackVerification``: one per reporting item (``via_item``) per
resolution (the item's ``resolved_at``), so a second verdict on the same resolution is
refused (409); after a dispute reopens the item and it is resolved again, a new verdict
belongs to the new resolution. A dispute needs its reason and reopens the item (resolved →
in progress) with the reason as the public note; the item's own reporter confirming closes
it (resolved → closed); a merged item's reporter confirming only records the verdict. Both
steps go through ``workflow.transition``, so the timeline, the signal ``step_recorded``
(notifications) and the dashboard's facts see them like any other step.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, Forbidden, InvalidParameter, NotFound
from feedback.models import FeedbackItem, FeedbackVerification, Role, Status, Verdict
from feedback.workflow import REOPEN_WINDOW, Actor, transition

# A bound on merge chains followed (a chain cannot loop: a merge into a merged item is
# refused; the bound only guards against rows written around the workflow).
MAX_CHAIN = 50


def _not_found(code: str) -> NotFound:
    return NotFound(_("No feedback item {code}.").format(code=code))


def final_target(item: FeedbackItem) -> FeedbackItem:
    """The item a merged item's problem now lives in (its ``merged_into``, followed)."""
    seen = 0
    while item.status == Status.MERGED and item.merged_into_id and seen < MAX_CHAIN:
        item = FeedbackItem.objects.get(pk=item.merged_into_id)
        seen += 1
    return item


def merged_reporters(item: FeedbackItem) -> dict[int, int]:
    """The items merged into ``item`` (directly or through chains): ``{item id: reporter
    id}`` for those with a signed-in reporter."""
    found: dict[int, int] = {}
    frontier = [item.pk]
    for _depth in range(MAX_CHAIN):
        if not frontier:
            break
        rows = FeedbackItem.objects.filter(merged_into_id__in=frontier).values_list(
            "pk", "reporter_id"
        )
        frontier = []
        for pk, reporter_id in rows:
            if pk in found or pk == item.pk:
                continue
            frontier.append(pk)
            if reporter_id is not None:
                found[pk] = reporter_id
    return found


def _reporting_item(user, code: str) -> tuple[FeedbackItem, FeedbackItem]:
    """(the item whose resolution is verified, the item ``user`` reported it through), from
    the code of either; NotFound when ``user`` reported neither (nothing is revealed)."""
    named = FeedbackItem.objects.filter(tracking_code=code).first()
    if named is None:
        raise _not_found(code)
    target = final_target(named)
    if target.reporter_id == user.pk:
        return target, target
    if named.pk != target.pk and named.reporter_id == user.pk:
        return target, named
    mine = sorted(pk for pk, reporter in merged_reporters(target).items() if reporter == user.pk)
    if not mine:
        raise _not_found(code)
    return target, FeedbackItem.objects.get(pk=mine[0])


def check_verdict(verdict: object, reason: str) -> str:
    """The verdict (``confirmed`` or ``disputed``); 400 naming ``verdict`` or ``reason``."""
    if verdict not in Verdict.values:
        raise InvalidParameter(
            _("A verdict is one of {verdicts}.").format(verdicts=", ".join(Verdict.values)),
            parameter="verdict",
        )
    if verdict == Verdict.DISPUTED and not reason.strip():
        raise InvalidParameter(
            _("A dispute needs its reason: what is still wrong."), parameter="reason"
        )
    return str(verdict)


@transaction.atomic
def verify(actor: Actor, code: str, verdict: object, reason: str = "") -> FeedbackVerification:
    """Record ``actor``'s verdict on the resolution of item ``code`` (theirs, or the one
    theirs was merged into) and take the step it implies; the verification recorded.

    Refusals: anonymous callers and strangers get NotFound (the item's existence is not
    revealed), staff roles Forbidden, a bad verdict or a dispute without its reason 400, an
    item that is not resolved, a window that has passed or a second verdict 409."""
    if actor.user is None:
        raise _not_found(code)
    if actor.role != Role.RESIDENT:
        raise Forbidden(_("Only the residents who reported the problem may verify its fix."))
    target, via = _reporting_item(actor.user, code)
    item = FeedbackItem.objects.select_for_update(of=("self",)).get(pk=target.pk)
    verdict = check_verdict(verdict, reason)
    if item.status != Status.RESOLVED or item.resolved_at is None:
        message = _("Only a resolved item can be confirmed or disputed; {code} is {status}.")
        status = Status(item.status).label
        raise Conflict(message.format(code=item.tracking_code, status=status))
    if timezone.now() - item.resolved_at > REOPEN_WINDOW:
        message = _("A fix can be confirmed or disputed within {days} days of it; that has passed.")
        raise Conflict(message.format(days=REOPEN_WINDOW.days))
    if FeedbackVerification.objects.filter(
        item=item, via_item=via, resolved_at=item.resolved_at
    ).exists():
        raise Conflict(_("Your verdict on this resolution is already recorded."))
    try:
        with transaction.atomic():
            recorded = FeedbackVerification.objects.create(
                item=item,
                via_item=via,
                user=actor.user,
                resolved_at=item.resolved_at,
                verdict=verdict,
                reason=reason.strip(),
            )
    except IntegrityError as exc:  # a verdict sent twice at once
        raise Conflict(_("Your verdict on this resolution is already recorded.")) from exc
    own = via.pk == item.pk
    if verdict == Verdict.DISPUTED:
        resident = Actor(actor.user, Role.RESIDENT, via_merged=frozenset({item.pk}))
        transition(resident, item.tracking_code, Status.IN_PROGRESS, reason.strip())
    elif own:
        transition(actor, item.tracking_code, Status.CLOSED, reason.strip())
    return recorded


def verification_json(verification: FeedbackVerification) -> dict:
    """A verdict as its author (and staff) see it: which item, through which, what."""
    return {
        "item": verification.item.tracking_code,
        "via_item": verification.via_item.tracking_code,
        "verdict": verification.verdict,
        "reason": verification.reason,
        "resolved_at": verification.resolved_at,
        "at": verification.at,
    }


def verification_answer(verification: FeedbackVerification) -> dict:
    """The answer to a verdict: it, and the item's status after the step it implied."""
    item = FeedbackItem.objects.only("status").get(pk=verification.item_id)
    return {**verification_json(verification), "status": item.status}
