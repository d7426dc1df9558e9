"""Staff reads of a reporter's contact details, announced for the access log.

Every place that shows staff a reporter's name, phone or e-mail calls
``contact_details_shown`` once per item shown (a list page: ``listed_to_actor`` once per
page, one row per item); the privacy app (which subscribes to
``feedback.signals.contact_details_read`` and ``contact_details_listed``) writes the log.
The reporter reading their own item is not a staff read and is not announced; nor is an
item with no contact details left.
"""

from collections.abc import Iterable

from feedback.models import FeedbackItem, Role
from feedback.signals import contact_details_listed, contact_details_read
from feedback.workflow import Actor

CONTACT_FIELDS = ("reporter_name", "reporter_phone", "reporter_email")


def _fields(item: FeedbackItem) -> tuple[str, ...]:
    return tuple(name for name in CONTACT_FIELDS if getattr(item, name))


def contact_details_shown(user, item: FeedbackItem, via: str) -> None:
    """Announce that ``user`` (staff) was shown ``item``'s contact details on ``via``."""
    fields = _fields(item)
    if user is None or not fields:
        return
    contact_details_read.send(sender=FeedbackItem, user=user, item=item, fields=fields, via=via)


def shown_to_actor(actor: Actor, item: FeedbackItem, via: str) -> None:
    """``contact_details_shown`` when ``actor`` is staff (not the reporter, not the public)."""
    if actor.user is not None and actor.role != Role.RESIDENT:
        contact_details_shown(actor.user, item, via)


def listed_to_actor(actor: Actor, items: Iterable[FeedbackItem], via: str) -> None:
    """A list page's staff read, announced once for the whole page (one log row per item
    that has contact details): a page costs the same queries for one item as for fifty."""
    if actor.user is None or actor.role == Role.RESIDENT:
        return
    reads = [(item, fields) for item in items if (fields := _fields(item))]
    if reads:
        contact_details_listed.send(sender=FeedbackItem, user=actor.user, reads=reads, via=via)
