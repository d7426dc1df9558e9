"""Everything held about a resident, as JSON (Decree 13/2023/NĐ-CP art. 14): their items
with the private fields, the public part of each timeline, their photos' metadata, the
verdicts they gave, what they consented to, and their requests."""

from django.db.models import Q
from django.utils import timezone

from feedback.models import FeedbackItem, FeedbackVerification
from privacy.models import DataRequest, RequestStatus


def _point(geom) -> dict | None:
    return None if geom is None else {"lon": round(geom.x, 7), "lat": round(geom.y, 7)}


def _item(item: FeedbackItem) -> dict:
    return {
        "tracking_code": item.tracking_code,
        "category": item.category.code,
        "description": item.description,
        "channel": item.channel,
        "status": item.status,
        "ward": {"code": item.ward.code, "name": item.ward.name},
        "created_at": item.created_at,
        "resolved_at": item.resolved_at,
        "exact_location": _point(item.geom),
        "address_text": item.address_text,
        "reporter": {
            "name": item.reporter_name,
            "phone": item.reporter_phone,
            "email": item.reporter_email,
        },
        "rating": item.rating,
        "rating_comment": item.rating_comment,
        "consent": {
            "purpose": item.consent_purpose,
            "notice_version": item.consent_notice_version,
            "at": item.consent_at,
        },
        "personal_erased_at": item.personal_erased_at,
        "timeline": [
            {"at": e.at, "from": e.from_status or None, "to": e.to_status, "note": e.note}
            for e in sorted(item.events.all(), key=lambda e: (e.at, e.id))
        ],
        "photos": [
            {
                "position": p.position,
                "content_type": p.content_type,
                "width": p.width,
                "height": p.height,
                "size": p.size,
                "sha256": p.sha256,
                "created_at": p.created_at,
            }
            for p in item.photos.all()
        ],
    }


def request_json(request: DataRequest) -> dict:
    """A request as its requester and staff see it."""
    return {
        "id": request.pk,
        "kind": request.kind,
        "status": request.status,
        "received_at": request.received_at,
        "due_at": request.due_at,
        "answered_at": request.answered_at,
        "note": request.note,
        "tracking_codes": request.identification.get("tracking_codes", []),
        "changes": request.changes,
        "overdue": request.status == RequestStatus.RECEIVED and request.due_at < timezone.now(),
    }


def export_for(user, items) -> dict:
    """Everything held about ``user`` through ``items`` (a queryset of their items)."""
    items = items.select_related("category", "ward").prefetch_related("events", "photos")
    verdicts = FeedbackVerification.objects.filter(
        Q(user=user) | Q(via_item__in=items.values("pk"))
    ).select_related("item", "via_item")
    return {
        "account": {
            "username": user.get_username(),
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": user.date_joined,
        },
        "items": [_item(i) for i in items.order_by("created_at", "pk")],
        "verifications": [
            {
                "item": v.item.tracking_code,
                "via_item": v.via_item.tracking_code,
                "verdict": v.verdict,
                "reason": v.reason,
                "resolved_at": v.resolved_at,
                "at": v.at,
            }
            for v in verdicts.order_by("at", "pk")
        ],
        "requests": [
            request_json(r) for r in DataRequest.objects.filter(requester=user).order_by("pk")
        ],
    }
