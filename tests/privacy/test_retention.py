"""Retention: personal fields erased after the category's period, on a clock moved forward."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from procrastinate.contrib.django import app

from feedback.models import FeedbackCategory, FeedbackItem, FeedbackPhoto
from feedback.services import take_step
from feedback.workflow import REOPEN_WINDOW
from layers.wards import resolve_ward
from privacy import tasks
from privacy.services import apply_retention

from .conftest import add_photo, later, rejected, report_of

pytestmark = pytest.mark.django_db


def _fresh(item: FeedbackItem) -> FeedbackItem:
    return FeedbackItem.objects.get(pk=item.pk)


def test_personal_data_is_kept_until_the_default_period_is_over(actors, wards):
    done = rejected(actors, report_of(actors, wards[0]))
    assert apply_retention(later(364)) == []
    assert _fresh(done).reporter_phone == "0909123456"
    assert apply_retention(later(366)) == [done.tracking_code]


def test_erasure_empties_contact_details_address_and_account(actors, wards, people):
    done = rejected(actors, report_of(actors, wards[0]))
    apply_retention(later(366))
    item = _fresh(done)
    assert (item.reporter_name, item.reporter_phone, item.reporter_email) == ("", "", "")
    assert item.address_text == "" and item.reporter is None
    assert item.personal_erased_at is not None


def test_erasure_keeps_the_item_its_ward_status_and_timeline(actors, wards):
    done = rejected(actors, report_of(actors, wards[0]))
    before = _fresh(done)
    apply_retention(later(366))
    item = _fresh(done)
    assert (item.ward_id, item.status, item.description) == (
        before.ward_id,
        "rejected",
        "Đèn hỏng",
    )
    assert item.events.count() == before.events.count() == 2


def test_the_exact_point_becomes_the_public_one_in_the_same_ward(actors, wards):
    done = rejected(actors, report_of(actors, wards[0]))
    public = _fresh(done).public_geom
    apply_retention(later(366))
    item = _fresh(done)
    assert (round(item.geom.x, 7), round(item.geom.y, 7)) == (
        round(public.x, 7),
        round(public.y, 7),
    )
    assert resolve_ward(item.geom).pk == wards[0].pk


def test_only_photos_flagged_by_staff_are_deleted(actors, wards):
    done = rejected(actors, report_of(actors, wards[0]))
    add_photo(done, 1, personal=True)
    add_photo(done, 2, personal=False)
    apply_retention(later(366))
    assert list(FeedbackPhoto.objects.filter(item=done).values_list("position", flat=True)) == [2]


def test_a_categorys_own_retention_wins(actors, wards):
    FeedbackCategory.objects.filter(code="den-duong").update(retention_days=30)
    done = rejected(actors, report_of(actors, wards[0]))
    assert apply_retention(later(29)) == []
    assert apply_retention(later(31)) == [done.tracking_code]


def test_open_items_keep_their_data_whatever_the_clock(actors, wards):
    report_of(actors, wards[0])
    assert apply_retention(later(5000)) == []


def test_a_resolved_item_waits_for_the_reopen_window_before_its_period_starts(actors, wards):
    FeedbackCategory.objects.filter(code="den-duong").update(retention_days=0)
    item = report_of(actors, wards[0])
    take_step(actors["ward_staff"], item.tracking_code, "accepted")
    take_step(actors["ward_staff"], item.tracking_code, "resolved")
    assert apply_retention(timezone.now() + REOPEN_WINDOW - timedelta(hours=1)) == []
    assert apply_retention(timezone.now() + REOPEN_WINDOW + timedelta(hours=1)) == [
        item.tracking_code
    ]


def test_a_second_run_erases_nothing_more(actors, wards):
    rejected(actors, report_of(actors, wards[0]))
    assert len(apply_retention(later(366))) == 1
    assert apply_retention(later(400)) == []


def test_command_runs_as_of_the_time_given(actors, wards):
    done = rejected(actors, report_of(actors, wards[0]))
    out = StringIO()
    call_command("apply_retention", "--now", later(10).isoformat(), stdout=out)
    assert "0 item(s)" in out.getvalue()
    call_command("apply_retention", "--now", later(366).isoformat(), stdout=out)
    assert done.tracking_code in out.getvalue()


def test_command_refuses_a_time_that_is_not_iso(db):
    with pytest.raises(CommandError, match="not an ISO 8601 time"):
        call_command("apply_retention", "--now", "tomorrow")


def test_the_periodic_task_is_on_the_maintenance_queue_daily():
    assert tasks.apply_retention.queue == "maintenance"
    periodic = list(app.periodic_registry.periodic_tasks.values())
    assert any(
        p.task.name == "privacy.apply_retention" and p.cron == "30 19 * * *" for p in periodic
    )


def test_the_periodic_task_runs_retention_as_of_its_scheduled_time(actors, wards):
    done = rejected(actors, report_of(actors, wards[0]))
    assert tasks.apply_retention(int(later(10).timestamp())) == 0
    assert tasks.apply_retention(int(later(366).timestamp())) == 1
    assert FeedbackItem.objects.get(pk=done.pk).personal_erased_at is not None
