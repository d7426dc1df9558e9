"""The in-app inbox: the in-app notifications of the items a caller may be told about,
paged by an id cursor (``after``) so the app's back end can pull what is new."""

from django.db.models import QuerySet

from notifications.models import Notification, NotificationChannel


def inbox(items: QuerySet, after: int, limit: int) -> tuple[list[Notification], bool]:
    """In-app notifications of ``items`` with an id above ``after``, oldest first: (up to
    ``limit`` of them, whether there are more)."""
    rows = list(
        Notification.objects.filter(
            channel=NotificationChannel.IN_APP, item__in=items, id__gt=after
        )
        .select_related("item", "event")
        .order_by("id")[: limit + 1]
    )
    return rows[:limit], len(rows) > limit


def inbox_json(notification: Notification, url: str) -> dict:
    """One inbox entry: the step's public facts and its texts in every language."""
    return {
        "id": notification.pk,
        "event": notification.kind,
        "tracking_code": notification.item.tracking_code,
        "status": notification.event.to_status,
        "note": notification.event.note,
        "at": notification.event.at.isoformat(),
        "language": notification.language,
        "texts": notification.texts,
        "url": url,
    }
