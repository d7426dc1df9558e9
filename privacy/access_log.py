"""The log of staff reads of reporters' contact details (``feedback.models.ContactAccess``):
written on ``feedback.signals.contact_details_read``, read by auditors and administrators.
The database refuses any change to a written row (feedback migration 0007)."""

from datetime import datetime

from django.db.models import QuerySet

from feedback.models import ContactAccess, FeedbackItem


def record_read(sender, *, user, item: FeedbackItem, fields, via: str, **kwargs) -> None:
    """Write one row: who read which fields of which item, on which page or API."""
    ContactAccess.objects.create(
        user=user,
        username=user.get_username(),
        item=item,
        tracking_code=item.tracking_code,
        fields=",".join(fields)[:200],
        via=via[:60],
    )


def record_list_read(sender, *, user, reads, via: str, **kwargs) -> None:
    """Write one row per item of a list page, in one statement."""
    ContactAccess.objects.bulk_create(
        ContactAccess(
            user=user,
            username=user.get_username(),
            item=item,
            tracking_code=item.tracking_code,
            fields=",".join(fields)[:200],
            via=via[:60],
        )
        for item, fields in reads
    )


def accesses(
    *, item: str | None = None, user: str | None = None, since: datetime | None = None
) -> QuerySet:
    """The log, newest first, narrowed to an item's tracking code, a username, a time."""
    rows = ContactAccess.objects.all()
    if item:
        rows = rows.filter(tracking_code=item)
    if user:
        rows = rows.filter(username=user)
    if since:
        rows = rows.filter(at__gte=since)
    return rows.order_by("-at", "-id")


def access_json(row: ContactAccess) -> dict:
    """A log row as JSON."""
    return {
        "id": row.pk,
        "at": row.at,
        "user": row.username,
        "item": row.tracking_code,
        "fields": [f for f in row.fields.split(",") if f],
        "via": row.via,
    }
