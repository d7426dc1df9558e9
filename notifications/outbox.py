"""The outbox: a workflow step's notifications, written in the step's own transaction.

``record_step`` receives ``feedback.signals.step_recorded`` while the step's transaction is
open. One statement (``sql/record_step.sql``) writes one ``Notification`` per channel and
recipient that applies and defers the delivery job of each, on the same connection and in
the same transaction: a step rolled back leaves neither rows nor jobs, a committed step
has all of them. The jobs are made by procrastinate's own SQL function with the delivery
task's settings, so a worker sees exactly the jobs ``deliver.defer`` would have made. The
unique (event, channel, recipient) constraint means a step is never told twice to the
same recipient: a row already there is skipped, and gets no second job. The texts are
rendered from this process's templates (``notifications.texts``); when they are no
longer the table's, nothing is written and the step is rendered again from a fresh read.
No network I/O happens here.
"""

import json

from django.db import connection
from django.utils import timezone

from feedback.models import FeedbackEvent, FeedbackItem
from notifications import texts
from notifications.channels import email_enabled
from notifications.models import Notification, State
from notifications.tasks import deliver

# Reads of the templates before giving up: each one edited again before its write.
ATTEMPTS = 3


class StaleTemplates(Exception):
    """The templates changed since this process read them: read them again, render again."""


def job_settings() -> dict:
    """The delivery job's settings as ``deliver.defer`` gives them to procrastinate (its
    queue, task name, priority, locks, schedule), for the statement's parameters."""
    job = deliver.configure().job
    return {
        "queue": job.queue,
        "task": job.task_name,
        "priority": job.priority,
        "lock": job.lock,
        "queueing_lock": job.queueing_lock,
        "scheduled_at": job.scheduled_at,
    }


def write(
    item: FeedbackItem, event: FeedbackEvent, kind: str, known: texts.Templates
) -> list[Notification]:
    """Write the step's notifications with texts from ``known`` and defer their jobs (one
    statement); the notifications written. StaleTemplates: nothing was written."""
    language = texts.language_of(item)
    rendered = known.render(item, event, kind)
    now = timezone.now()
    params = {
        "version": known.version,
        "event": event.pk,
        "item": item.pk,
        "kind": kind,
        "language": language,
        "texts": json.dumps(rendered),
        "now": now,
        "email": bool(item.reporter_email) and email_enabled(),
        # A first step is the report's own: no browser can have subscribed to it yet.
        "push": bool(event.from_status),
        **job_settings(),
    }
    with connection.cursor() as cursor:
        cursor.execute(texts.with_templates_version("record_step"), params)
        rows = cursor.fetchall()
    if not rows[0][0]:
        raise StaleTemplates(kind)
    return [
        _saved(
            Notification(
                id=notification_id,
                event=event,
                item=item,
                kind=kind,
                channel=channel,
                recipient=recipient,
                push_subscription_id=push_subscription_id,
                endpoint_id=endpoint_id,
                language=language,
                texts=rendered,
                state=State.PENDING,
                attempts=0,
                created_at=now,
            )
        )
        for _current, notification_id, channel, recipient, push_subscription_id, endpoint_id in rows
        if notification_id is not None
    ]


def record_step(sender, item: FeedbackItem, event: FeedbackEvent, **kwargs) -> list[Notification]:
    """Write the step's notifications and defer their delivery (inside the caller's
    transaction; the signal's receiver); the notifications written (none when the step was
    already told)."""
    kind = texts.event_of(event)
    for attempt in range(ATTEMPTS):
        try:
            return write(item, event, kind, texts.templates(reload=attempt > 0))
        except StaleTemplates:
            continue
    raise RuntimeError(f"the notification templates changed {ATTEMPTS} times during one step")


def _saved(notification: Notification) -> Notification:
    """Mark a notification built from written values as a stored row."""
    notification._state.adding = False
    notification._state.db = connection.alias
    return notification
