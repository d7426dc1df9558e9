"""Residents verify a fix (``feedback.verification.verify``): the reporter and the reporters
of items merged into the item confirm or dispute its resolution within the reopen window."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import Conflict, Forbidden, InvalidParameter, NotFound
from feedback.intake import Submission, submit
from feedback.models import FeedbackEvent, FeedbackItem, FeedbackVerification, Status
from feedback.signals import step_recorded
from feedback.verification import verify
from feedback.workflow import REOPEN_WINDOW, actor_for, transition
from tests.feedback.conftest import _user, inside

pytestmark = pytest.mark.django_db


def _report(ward, actor) -> FeedbackItem:
    lon, lat = inside(ward)
    return submit(
        Submission(category="den-duong", description="Đèn tắt", channel="app", lon=lon, lat=lat),
        actor,
    )


def _resolve(actors, code: str) -> FeedbackItem:
    transition(actors["ward_staff"], code, Status.ACCEPTED)
    return transition(actors["ward_staff"], code, Status.RESOLVED, "Đã thay bóng đèn")


@pytest.fixture
def merged(wards, actors, item):
    """The neighbour's report of the same light, merged into the resident's item."""
    duplicate = _report(wards[0], actors["other_resident"])
    transition(
        actors["ward_staff"], duplicate.tracking_code, Status.MERGED, merge_into=item.tracking_code
    )
    return duplicate


@pytest.fixture
def resolved(actors, item, merged):
    """The resident's item, resolved by the ward (with the neighbour's merged into it)."""
    return _resolve(actors, item.tracking_code)


def _status(item: FeedbackItem) -> str:
    return FeedbackItem.objects.get(pk=item.pk).status


def test_the_reporter_confirms_and_the_item_closes(actors, resolved):
    recorded = verify(actors["resident"], resolved.tracking_code, "confirmed")
    assert (recorded.item_id, recorded.via_item_id) == (resolved.pk, resolved.pk)
    assert recorded.resolved_at == resolved.resolved_at
    assert _status(resolved) == Status.CLOSED
    last = FeedbackEvent.objects.filter(item=resolved).last()
    assert (last.from_status, last.to_status, last.actor_role) == ("resolved", "closed", "resident")


def test_a_merged_reporter_confirms_and_only_the_verdict_is_recorded(actors, resolved, merged):
    recorded = verify(actors["other_resident"], resolved.tracking_code, "confirmed")
    assert (recorded.item_id, recorded.via_item_id) == (resolved.pk, merged.pk)
    assert _status(resolved) == Status.RESOLVED
    assert FeedbackEvent.objects.filter(item=resolved).last().to_status == "resolved"


def test_a_merged_reporter_may_use_their_own_code(actors, resolved, merged):
    recorded = verify(actors["other_resident"], merged.tracking_code, "confirmed")
    assert (recorded.item_id, recorded.via_item_id) == (resolved.pk, merged.pk)


def test_a_merged_reporter_disputes_and_the_item_reopens_with_the_reason(actors, resolved, people):
    verify(actors["other_resident"], resolved.tracking_code, "disputed", "Đèn vẫn tắt tối nay")
    item = FeedbackItem.objects.get(pk=resolved.pk)
    assert (item.status, item.resolved_at) == (Status.IN_PROGRESS, None)
    last = FeedbackEvent.objects.filter(item=resolved).last()
    assert (last.from_status, last.to_status) == ("resolved", "in_progress")
    assert (last.note, last.actor, last.actor_role) == (
        "Đèn vẫn tắt tối nay",
        people["other_resident"],
        "resident",
    )


def test_a_dispute_needs_its_reason(actors, resolved):
    with pytest.raises(InvalidParameter) as refused:
        verify(actors["resident"], resolved.tracking_code, "disputed", "  ")
    assert refused.value.parameter == "reason"
    assert _status(resolved) == Status.RESOLVED


def test_an_unknown_verdict_is_refused(actors, resolved):
    with pytest.raises(InvalidParameter) as refused:
        verify(actors["resident"], resolved.tracking_code, "maybe")
    assert refused.value.parameter == "verdict"


def test_outside_the_window_is_a_conflict_with_its_reason(actors, resolved):
    late = timezone.now() - REOPEN_WINDOW - timedelta(minutes=1)
    FeedbackItem.objects.filter(pk=resolved.pk).update(resolved_at=late)
    with pytest.raises(Conflict, match="within 7 days"):
        verify(actors["other_resident"], resolved.tracking_code, "disputed", "Vẫn hỏng")
    assert _status(resolved) == Status.RESOLVED
    assert not FeedbackVerification.objects.exists()


def test_an_item_not_resolved_is_a_conflict(actors, item):
    with pytest.raises(Conflict, match="Only a resolved item"):
        verify(actors["resident"], item.tracking_code, "confirmed")


def test_a_stranger_and_anonymous_callers_find_no_item(actors, resolved):
    stranger = actor_for(_user("nguoi_la"))
    with pytest.raises(NotFound):
        verify(stranger, resolved.tracking_code, "disputed", "Không đúng")
    with pytest.raises(NotFound):
        verify(actor_for(None), resolved.tracking_code, "confirmed")
    with pytest.raises(NotFound):
        verify(actors["resident"], "HCM-NONE-NONE", "confirmed")


def test_staff_do_not_verify(actors, resolved):
    with pytest.raises(Forbidden):
        verify(actors["city_staff"], resolved.tracking_code, "confirmed")


def test_a_second_verdict_on_the_same_resolution_is_refused(actors, resolved):
    verify(actors["other_resident"], resolved.tracking_code, "confirmed")
    with pytest.raises(Conflict, match="already recorded"):
        verify(actors["other_resident"], resolved.tracking_code, "disputed", "Lại tắt")
    assert FeedbackVerification.objects.count() == 1
    assert _status(resolved) == Status.RESOLVED


def test_after_a_dispute_the_next_resolution_takes_a_new_verdict(actors, resolved):
    verify(actors["other_resident"], resolved.tracking_code, "disputed", "Vẫn tắt")
    with pytest.raises(Conflict):
        verify(actors["other_resident"], resolved.tracking_code, "confirmed")
    again = transition(actors["ward_staff"], resolved.tracking_code, Status.RESOLVED, "Thay dây")
    verify(actors["other_resident"], resolved.tracking_code, "confirmed")
    rows = FeedbackVerification.objects.order_by("at")
    assert [(v.verdict, v.resolved_at) for v in rows] == [
        ("disputed", resolved.resolved_at),
        ("confirmed", again.resolved_at),
    ]


def test_a_merged_reporter_cannot_close_through_the_workflow(actors, resolved):
    with pytest.raises(NotFound):
        transition(actors["other_resident"], resolved.tracking_code, Status.CLOSED)
    with pytest.raises(NotFound):
        transition(actors["other_resident"], resolved.tracking_code, Status.IN_PROGRESS)


def test_a_chain_of_merges_reaches_the_first_reporter(wards, actors, item, people):
    middle = _report(wards[0], actors["other_resident"])
    third = _user("nguoi_thu_ba")
    last = _report(wards[0], actor_for(third))
    staff = actors["ward_staff"]
    transition(staff, last.tracking_code, Status.MERGED, merge_into=middle.tracking_code)
    transition(staff, middle.tracking_code, Status.MERGED, merge_into=item.tracking_code)
    _resolve(actors, item.tracking_code)
    recorded = verify(actor_for(third), last.tracking_code, "disputed", "Chưa sửa")
    assert (recorded.item_id, recorded.via_item_id) == (item.pk, last.pk)
    assert _status(item) == Status.IN_PROGRESS


def test_a_dispute_is_a_step_the_notifications_hear(actors, resolved):
    heard = []

    def listen(sender, item, event, **kwargs):
        heard.append((item.tracking_code, event.from_status, event.to_status, event.note))

    step_recorded.connect(listen, dispatch_uid="test-verification-listen")
    try:
        verify(actors["other_resident"], resolved.tracking_code, "disputed", "Vẫn tắt")
    finally:
        step_recorded.disconnect(dispatch_uid="test-verification-listen")
    assert heard == [(resolved.tracking_code, "resolved", "in_progress", "Vẫn tắt")]
