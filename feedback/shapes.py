"""Items as JSON: the public shape (anyone with the tracking code, Open311, duplicates) and
the private shape (staff in scope, and the reporter), built in one place so that a private
field can only appear where ``private=True`` is asked for."""

from django.urls import reverse

from feedback.models import FeedbackCategory, FeedbackItem, Role, Status
from feedback.public import PUBLIC_STATUSES
from feedback.workflow import Actor, allowed_next, is_overdue


def category_json(category: FeedbackCategory, language: str | None = None) -> dict:
    """A catalogue entry: code, names, deadline and public precision."""
    english = (language or "").startswith("en")
    return {
        "code": category.code,
        "name": category.name_en if english else category.name_vi,
        "name_vi": category.name_vi,
        "name_en": category.name_en,
        "description": category.description_en if english else category.description_vi,
        "deadline_amount": category.deadline_amount,
        "deadline_unit": category.deadline_unit,
        "public_precision_m": category.public_precision_m,
    }


def is_public(item: FeedbackItem) -> bool:
    """Items on the public map (not rejected, not merged away)."""
    return item.status in PUBLIC_STATUSES


def photo_positions(item: FeedbackItem) -> list[int]:
    """The item's photo numbers, from prefetched photos when a list page fetched them."""
    return sorted(photo.position for photo in item.photos.all())


def _point(geom) -> dict | None:
    return None if geom is None else {"lon": round(geom.x, 7), "lat": round(geom.y, 7)}


def _timeline(item: FeedbackItem, private: bool, staff: bool) -> list[dict]:
    events = []
    # .all(): a list page prefetches them (with their actors); sorted here, not in SQL.
    for event in sorted(item.events.all(), key=lambda e: (e.at, e.id)):
        entry = {
            "at": event.at,
            "from": event.from_status or None,
            "to": event.to_status,
            "by_role": event.actor_role,
            "note": event.note,
        }
        if private:
            entry["by"] = event.actor.get_username() if event.actor else None
        if staff:  # not the reporter's view: the internal note is for staff only
            entry["internal_note"] = event.internal_note
        events.append(entry)
    return events


def item_json(
    item: FeedbackItem,
    request,
    *,
    private: bool,
    actor: Actor | None = None,
    language: str | None = None,
) -> dict:
    """An item with its timeline; reporter, exact point and address only when ``private``,
    and the timeline's internal notes only when ``private`` for a staff ``actor``."""
    staff = private and actor is not None and actor.role != Role.RESIDENT
    photos = [
        request.build_absolute_uri(reverse("feedback-photo", args=[item.tracking_code, position]))
        for position in photo_positions(item)
    ]
    body = {
        "tracking_code": item.tracking_code,
        "url": request.build_absolute_uri(reverse("feedback-track", args=[item.tracking_code])),
        "page": request.build_absolute_uri(reverse("track-page", args=[item.tracking_code])),
        "category": category_json(item.category, language),
        "description": item.description,
        "channel": item.channel,
        "status": item.status,
        "status_label": str(Status(item.status).label),
        "ward": {"code": item.ward.code, "name": item.ward.name},
        "location": _point(item.public_geom),
        "location_precision_m": item.category.public_precision_m,
        "created_at": item.created_at,
        "updated_at": item.updated_at,
        "deadline_at": item.deadline_at,
        "overdue": is_overdue(item),
        "resolved_at": item.resolved_at,
        "rejection_reason": item.rejection_reason or None,
        "merged_into": item.merged_into.tracking_code if item.merged_into_id else None,
        "rating": item.rating,
        "photos": photos,
        "timeline": _timeline(item, private, staff),
    }
    if private:
        body.update(
            {
                "exact_location": _point(item.geom),
                "address_text": item.address_text,
                "rating_comment": item.rating_comment,
                "reporter": {
                    "name": item.reporter_name,
                    "phone": item.reporter_phone,
                    "email": item.reporter_email,
                    "account": item.reporter.get_username() if item.reporter else None,
                },
                "api_key": item.api_key.prefix if item.api_key_id else None,
            }
        )
        if actor is not None:
            body["allowed_next"] = allowed_next(actor, item)
    body["verifications"] = verification_counts(item)
    if staff:  # the link to the resolution it repeats, and who verified what: staff only
        body["repeat_of"] = item.repeat_of.tracking_code if item.repeat_of_id else None
        body["verdicts"] = [verdict_json(v) for v in item.verifications.all()]
    return body


def verification_counts(item: FeedbackItem) -> dict:
    """How many residents confirmed and disputed the item's resolutions (counts only: the
    public may see them; who and through which item is for staff)."""
    verdicts = [v.verdict for v in item.verifications.all()]
    return {"confirmed": verdicts.count("confirmed"), "disputed": verdicts.count("disputed")}


def verdict_json(verification) -> dict:
    """One resident's verdict on a resolution, as staff see it."""
    return {
        "via_item": verification.via_item.tracking_code,
        "verdict": verification.verdict,
        "reason": verification.reason,
        "resolved_at": verification.resolved_at,
        "at": verification.at,
    }
