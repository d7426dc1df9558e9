"""The outbox: every public step writes its notifications and their jobs, in the step's
transaction, once per channel and recipient."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from procrastinate.contrib.django.models import ProcrastinateJob

from feedback.workflow import actor_for
from notifications import texts
from notifications.models import Notification, NotificationTemplate, PushSubscription
from notifications.outbox import record_step
from notifications.tasks import deliver
from tests.notifications.conftest import step

pytestmark = pytest.mark.django_db


def _jobs() -> list[int]:
    return sorted(
        job.args["notification_id"]
        for job in ProcrastinateJob.objects.filter(
            task_name="notifications.deliver", queue_name="notifications"
        )
    )


def test_a_report_writes_its_in_app_notification_and_its_job(make_item, resident):
    item = make_item(actor_for(resident))
    notification = Notification.objects.get(item=item)
    assert (notification.kind, notification.channel, notification.recipient) == (
        "received",
        "in_app",
        "reporter",
    )
    assert notification.language == "vi"
    assert _jobs() == [notification.pk]


def test_every_public_step_is_told(make_item, staff):
    item = make_item(staff)
    step(staff, item, "accepted")
    step(staff, item, "in_progress")
    step(staff, item, "resolved", "Đã thay bóng đèn")
    step(staff, item, "in_progress")  # the city reopens it
    step(staff, item, "resolved")
    step(staff, item, "closed")
    kinds = list(Notification.objects.filter(item=item).values_list("kind", flat=True))
    assert kinds == [
        "received",
        "accepted",
        "in_progress",
        "resolved",
        "reopened",
        "resolved",
        "closed",
    ]


def test_a_rejection_and_a_merge_are_told(make_item, staff):
    first, second, third = make_item(staff), make_item(staff), make_item(staff)
    step(staff, first, "rejected", reason="Không thuộc thẩm quyền")
    step(staff, second, "merged", merge_into=third.tracking_code)
    assert Notification.objects.get(item=first, kind="rejected").texts["vi"]["body"]
    assert Notification.objects.filter(item=second, kind="merged").count() == 1


def test_email_only_with_an_address_and_a_server(make_item, staff, settings):
    settings.EMAIL_HOST = ""
    without_server = make_item(staff, reporter_email="a@example.org")
    settings.EMAIL_HOST = "127.0.0.1"
    without_address = make_item(staff)
    with_both = make_item(staff, reporter_email="a@example.org")
    channels = {
        item.pk: sorted(Notification.objects.filter(item=item).values_list("channel", flat=True))
        for item in (without_server, without_address, with_both)
    }
    assert channels[without_server.pk] == ["in_app"]
    assert channels[without_address.pk] == ["in_app"]
    assert channels[with_both.pk] == ["email", "in_app"]


def test_webhooks_only_for_active_endpoints_of_the_event(make_item, staff, endpoint):
    endpoint.events = ["resolved"]
    endpoint.save()
    item = make_item(staff)
    step(staff, item, "accepted")
    step(staff, item, "resolved")
    hooks = Notification.objects.filter(item=item, channel="webhook")
    assert [n.kind for n in hooks] == ["resolved"]
    endpoint.active = False
    endpoint.save()
    step(staff, item, "closed")
    assert Notification.objects.filter(item=item, channel="webhook").count() == 1


def test_one_push_notification_per_subscription(make_item, staff):
    item = make_item(staff)
    for number in (1, 2):
        PushSubscription.objects.create(
            item=item, endpoint=f"https://fcm.googleapis.com/x/{number}", p256dh="k", auth="a"
        )
    step(staff, item, "accepted")
    pushes = Notification.objects.filter(item=item, kind="accepted", channel="web_push")
    assert sorted(n.recipient for n in pushes) == sorted(
        f"push:{s.pk}" for s in PushSubscription.objects.filter(item=item)
    )


def test_a_step_is_never_told_twice_to_the_same_recipient(make_item, staff):
    item = make_item(staff)
    event = item.events.get()
    assert record_step(None, item=item, event=event) == []  # already written
    original = Notification.objects.get(item=item)
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(
            event=event,
            item=item,
            kind="received",
            channel="in_app",
            recipient="reporter",
            language="vi",
            texts={},
        )
    assert list(Notification.objects.filter(item=item)) == [original]
    assert _jobs() == [original.pk]


def test_texts_in_both_languages_with_public_facts_only(make_item, staff):
    item = make_item(staff, reporter_email="rieng.tu@example.org")
    step(staff, item, "accepted")
    step(staff, item, "resolved", "Đã sửa xong", internal_note="Nhà thầu ABC, số 0988")
    texts = Notification.objects.get(item=item, kind="resolved").texts
    assert item.tracking_code in texts["vi"]["subject"]
    assert "was resolved" in texts["en"]["subject"]
    assert "Đã sửa xong" in texts["vi"]["body"]
    assert f"/track/{item.tracking_code}/" in texts["en"]["body"]
    everything = repr(texts)
    for private in ("Nguyễn Văn A", "0909123456", "rieng.tu@example.org", "Nhà thầu", "0988"):
        assert private not in everything


def test_staff_edited_templates_are_used(make_item, staff):
    NotificationTemplate.objects.filter(event="accepted", language="vi").update(
        subject="{{ ward }} nhận {{ tracking_code }}", body="Hạn: {{ deadline }} <b>"
    )
    item = make_item(staff)
    step(staff, item, "accepted")
    text = Notification.objects.get(item=item, kind="accepted").texts["vi"]
    assert text["subject"] == f"{item.ward.name} nhận {item.tracking_code}"
    assert text["body"].endswith("<b>")  # plain text: not escaped


def test_a_step_and_all_its_channels_are_one_statement(make_item, staff, endpoint, settings):
    settings.EMAIL_HOST = "127.0.0.1"
    item = make_item(staff, reporter_email="a@example.org")
    PushSubscription.objects.create(
        item=item, endpoint="https://fcm.googleapis.com/x/1", p256dh="k", auth="a"
    )
    event = step(staff, item, "accepted").events.get(to_status="accepted")
    Notification.objects.filter(event=event).delete()
    with connection.cursor() as cursor:  # procrastinate's models are read-only
        cursor.execute("DELETE FROM procrastinate_jobs")
    with CaptureQueriesContext(connection) as captured:
        written = record_step(None, item=item, event=event)
    assert len(captured.captured_queries) == 1
    assert [n.channel for n in written] == ["in_app", "email", "web_push", "webhook"]
    stored = list(Notification.objects.filter(event=event))
    assert [(n.pk, n.recipient, n.texts) for n in written] == [
        (n.pk, n.recipient, n.texts) for n in stored
    ]
    assert _jobs() == [n.pk for n in stored]


def test_its_jobs_are_the_jobs_deliver_defer_makes(make_item, staff):
    item = make_item(staff)
    notification = Notification.objects.get(item=item)
    deliver.defer(notification_id=notification.pk)
    columns = ("queue_name", "task_name", "priority", "lock", "queueing_lock", "args")
    columns += ("status", "scheduled_at", "attempts", "abort_requested")
    made = ProcrastinateJob.objects.filter(queue_name="notifications").values_list(*columns)
    assert len(made) == 2
    assert made[0] == made[1]


def test_templates_deleted_elsewhere_leave_their_language_out(make_item, staff):
    make_item(staff)  # this process now holds the templates
    # Deleted in SQL, no signal: as if by another process.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM notifications_notificationtemplate WHERE language = 'en'")
    assert ("received", "en") in texts.templates().texts  # what this process holds
    item = make_item(staff)
    assert set(Notification.objects.get(item=item).texts) == {"vi"}
