"""The texts of a notification: staff-editable templates rendered with a small fixed context.

Templates use Django's template syntax on plain text (no HTML escaping) and see only
``tracking_code``, ``status``, ``note``, ``category``, ``ward``, ``deadline`` and ``url``:
never the reporter's name, phone, e-mail or exact point.
"""

from django.conf import settings
from django.template import Context, Engine
from django.urls import reverse
from django.utils import timezone, translation

from feedback.models import FeedbackEvent, FeedbackItem, Status
from notifications.models import Event, Language, NotificationTemplate

# Plain text: a note "<b>" stays "<b>" in an e-mail or a push message.
_ENGINE = Engine(autoescape=False)


def event_of(event: FeedbackEvent) -> str:
    """The notification event a workflow step is: its new status, or "reopened" for a step
    back (a resolution or a rejection undone)."""
    back = {(Status.RESOLVED, Status.IN_PROGRESS), (Status.REJECTED, Status.RECEIVED)}
    if (event.from_status, event.to_status) in back:
        return Event.REOPENED
    return event.to_status


def tracking_url(item: FeedbackItem) -> str:
    """The public tracking page of the item (absolute, from the site's public address)."""
    base = settings.COMMONMAP["PUBLIC_URL"].rstrip("/")
    return base + reverse("track-page", args=[item.tracking_code])


def context_of(item: FeedbackItem, event: FeedbackEvent, language: str) -> dict:
    """What a template may show, in ``language``: public facts only."""
    with translation.override(language):
        status = str(Status(event.to_status).label)
    deadline = timezone.localtime(item.deadline_at).strftime("%H:%M %d/%m/%Y")
    category = item.category.name_vi if language == Language.VI else item.category.name_en
    return {
        "tracking_code": item.tracking_code,
        "status": status,
        "note": event.note,
        "category": category,
        "ward": item.ward.name,
        "deadline": deadline,
        "url": tracking_url(item),
    }


def render_texts(item: FeedbackItem, event: FeedbackEvent, kind: str) -> dict[str, dict]:
    """The subject and body in every language: ``{"vi": {...}, "en": {...}}`` (a language
    without a template for this event is left out)."""
    texts = {}
    for template in NotificationTemplate.objects.filter(event=kind):
        context = Context(context_of(item, event, template.language))
        texts[template.language] = {
            "subject": _ENGINE.from_string(template.subject).render(context).strip(),
            "body": _ENGINE.from_string(template.body).render(context).strip(),
        }
    return texts


def language_of(item: FeedbackItem) -> str:
    """The language to write to the reporter in: the item's, if it records one, else
    Vietnamese."""
    language = getattr(item, "language", "") or ""
    return language if language in Language.values else Language.VI
