"""Actions on feedback, as the REST API and Open311 take them: submit a report (once per
``Idempotency-Key``, anonymous callers rate-limited), take a workflow step, rate the
resolution. Plain arguments in (an actor, codes, a submission), items out; every refusal a
domain error the views turn into its status."""

from dataclasses import dataclass
from typing import Protocol

from django.utils.translation import gettext as _

from core.errors import Forbidden, NotFound
from feedback import ratelimit
from feedback.intake import Submission, check_key, file_once, key_record, replayed_item
from feedback.models import FeedbackItem, Role
from feedback.record import Written
from feedback.workflow import Actor, get_item, rate, transition

ANONYMOUS = "anonymous"


class SentReport(Protocol):
    """A report as a caller sent it, read only as far as needed: its fingerprint (what
    "the same report" means for an ``Idempotency-Key``) and the submission it describes
    (which decodes its photos)."""

    def fingerprint(self) -> str:
        """The report as sent, nothing decoded."""

    def submission(self) -> Submission:
        """The submission, its fields checked and its photos cleaned."""


@dataclass(frozen=True)
class PreparedReport:
    """A report whose submission is already built (Open311's form, the tests)."""

    prepared: Submission

    def fingerprint(self) -> str:
        """The submission's own fingerprint."""
        return self.prepared.fingerprint()

    def submission(self) -> Submission:
        """The submission as given."""
        return self.prepared


def service_account_actor() -> Actor:
    """The actor an API key's caller is: an anonymous resident (it files reports, and sees
    only what the public sees)."""
    return Actor(None, Role.RESIDENT)


def user_scope(user_pk: int) -> str:
    """The ``Idempotency-Key`` space of a signed-in user."""
    return f"user:{user_pk}"


def key_scope(prefix: str) -> str:
    """The ``Idempotency-Key`` space of an API key (its prefix); Open311's tokens live here."""
    return f"key:{prefix}"


def submit_report(
    actor: Actor,
    sent: SentReport,
    *,
    scope: str,
    key: str | None = None,
    client: str = "",
) -> tuple[FeedbackItem, bool]:
    """File the report ``sent`` as ``actor``, once per ``key`` in ``scope``: (item,
    created); not created is the item a retry with the same key and report made."""
    item, written = file_report(actor, sent, scope=scope, key=key, client=client)
    return item, written is not None


def file_report(
    actor: Actor,
    sent: SentReport,
    *,
    scope: str,
    key: str | None = None,
    client: str = "",
) -> tuple[FeedbackItem, Written | None]:
    """``submit_report``, with what was written (None: a replay), whose item answers
    without another query.

    The refusals come before any photo is decoded: a leader (403), a malformed key (400),
    the rate limit of ``client`` (429; counted in the ``ANONYMOUS`` scope only, where it
    identifies the caller), a key reused for another report (422). Only a true retry goes
    uncounted; a reused key is counted, then refused. The key's record is read once."""
    if actor.role == Role.LEADER:
        raise Forbidden(_("Leaders have read-only access: they cannot submit feedback."))
    fingerprint, known = None, None
    if key:
        check_key(key)
        fingerprint = sent.fingerprint()
        known = key_record(scope, key)
    true_retry = known is not None and known.fingerprint == fingerprint
    if scope == ANONYMOUS and not true_retry:
        ratelimit.hit(client)
    replayed = replayed_item(known, fingerprint)
    if replayed is not None:
        return replayed, None
    return file_once(
        sent.submission(),
        actor,
        scope=scope,
        key=key,
        fingerprint=fingerprint,
        known=known,
        looked_up=True,
    )


def take_step(
    actor: Actor,
    code: str,
    to: str,
    *,
    note: str = "",
    reason: str = "",
    merge_into: str | None = None,
    internal_note: str = "",
) -> FeedbackItem:
    """Move item ``code`` to status ``to`` (see ``workflow.transition``) and return it as
    the actor now sees it. Anonymous callers have no items: NotFound."""
    require_account(actor, code)
    item = transition(
        actor, code, to, note, reason=reason, merge_into=merge_into, internal_note=internal_note
    )
    return get_item(actor, item.tracking_code)


def rate_item(actor: Actor, code: str, rating: object, comment: str = "") -> FeedbackItem:
    """The reporter rates item ``code``'s resolution (see ``workflow.rate``); the item as
    they now see it."""
    require_account(actor, code)
    item = rate(actor, code, rating, comment)
    return get_item(actor, item.tracking_code)


def require_account(actor: Actor, code: str) -> None:
    """Only signed-in callers have items to act on: anyone else gets the NotFound of a
    code that does not exist (item ``code``'s existence is not revealed)."""
    if actor.user is None:
        raise NotFound(_("No feedback item {code}.").format(code=code))
