"""The texts of a notification: staff-editable templates rendered with a small fixed context.

Templates use Django's template syntax on plain text (no HTML escaping) and see only
``tracking_code``, ``status``, ``note``, ``category``, ``ward``, ``deadline`` and ``url``:
never the reporter's name, phone, e-mail or exact point.

Reading the templates for every step would be a query per step: each process keeps them
with the version of the table they were read at (``sql/templates_version.sql``,
as ``feedback.catalogue`` does for categories). The outbox's statement writes only while
that version is the table's, so an edit made anywhere is noticed by the next step, which
reads the templates again and renders again.
"""

import threading
from dataclasses import dataclass
from functools import cache, lru_cache

from django.conf import settings
from django.db import connection
from django.db.models.signals import post_delete, post_save
from django.template import Context, Engine, Template
from django.urls import reverse
from django.utils import timezone, translation
from psycopg import sql

from core.sql_files import load_sql
from feedback.models import FeedbackEvent, FeedbackItem, Status
from notifications.models import Event, Language, NotificationTemplate

# Plain text: a note "<b>" stays "<b>" in an e-mail or a push message.
_ENGINE = Engine(autoescape=False)


@cache
def with_templates_version(name: str) -> str:
    """The statement ``notifications/sql/<name>.sql`` with the templates' version query put
    in at ``{templates_version}``."""
    version = sql.SQL(load_sql("notifications", "templates_version"))
    return (
        sql.SQL(load_sql("notifications", name)).format(templates_version=version).as_string(None)
    )


@lru_cache(maxsize=256)
def _compiled(text: str) -> Template:
    # Compiled when first rendered (a template with an error fails its own event only).
    return _ENGINE.from_string(text)


@dataclass(frozen=True)
class Templates:
    """Every template's text, ``{(event, language): (subject, body)}``, and the version of
    the table they were read at."""

    version: str
    texts: dict[tuple[str, str], tuple[str, str]]

    def render(self, item: FeedbackItem, event: FeedbackEvent, kind: str) -> dict[str, dict]:
        """The subject and body in every language: ``{"vi": {...}, "en": {...}}`` (a
        language without a template for this event is left out)."""
        texts = {}
        for (template_event, language), (subject, body) in self.texts.items():
            if template_event != kind:
                continue
            context = Context(context_of(item, event, language))
            texts[language] = {
                "subject": _compiled(subject).render(context).strip(),
                "body": _compiled(body).render(context).strip(),
            }
        return texts


_lock = threading.Lock()
_known: dict[str, Templates | None] = {"templates": None}


def _load() -> Templates:
    with connection.cursor() as cursor:
        cursor.execute(with_templates_version("templates"))
        rows = cursor.fetchall()
    texts = {
        (event, language): (subject, body)
        for _version, event, language, subject, body in rows
        if event is not None
    }
    return Templates(version=rows[0][0], texts=texts)


def templates(*, reload: bool = False) -> Templates:
    """This process's templates (read when first needed, or again when ``reload``)."""
    with _lock:
        known = _known["templates"]
    if reload or known is None:
        known = _load()
        with _lock:
            _known["templates"] = known
    return known


def forget(**kwargs) -> None:
    """Drop this process's templates (the next step reads them again)."""
    with _lock:
        _known["templates"] = None


# An edit made in this process is known at once; other processes (and bulk updates) are
# caught by the version check of the outbox's statement.
post_save.connect(forget, sender=NotificationTemplate, dispatch_uid="notifications.texts.saved")
post_delete.connect(forget, sender=NotificationTemplate, dispatch_uid="notifications.texts.deleted")


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


def language_of(item: FeedbackItem) -> str:
    """The language to write to the reporter in: the item's, if it records one, else
    Vietnamese."""
    language = getattr(item, "language", "") or ""
    return language if language in Language.values else Language.VI
