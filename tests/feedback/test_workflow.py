"""The workflow: every allowed step by every allowed role, every other step refused.

The expected answers are written out here by hand (not read from ``TRANSITIONS``), so a
change to the table that nobody meant fails a test.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import Conflict, Forbidden, InvalidParameter, NotFound
from feedback.intake import Submission, submit
from feedback.models import FeedbackEvent, FeedbackItem, Status
from feedback.workflow import allowed_next, get_item, is_overdue, rate, transition, visible_items
from tests.feedback.conftest import inside

pytestmark = pytest.mark.django_db

S = Status
STAFF = ("ward_staff", "city_staff", "admin")
SENIOR = ("city_staff", "admin")
EVERYONE = (
    "resident",
    "operator",
    "ward_staff",
    "other_ward_staff",
    "city_staff",
    "leader",
    "admin",
)

# (from, to): who may take the step, written out by hand.
ALLOWED = {
    (S.RECEIVED, S.ACCEPTED): STAFF,
    (S.RECEIVED, S.REJECTED): STAFF,
    (S.RECEIVED, S.MERGED): STAFF,
    (S.ACCEPTED, S.IN_PROGRESS): STAFF,
    (S.ACCEPTED, S.RESOLVED): STAFF,
    (S.ACCEPTED, S.MERGED): STAFF,
    (S.IN_PROGRESS, S.RESOLVED): STAFF,
    (S.IN_PROGRESS, S.MERGED): STAFF,
    (S.ACCEPTED, S.AWAITING_INFO): STAFF,
    (S.IN_PROGRESS, S.AWAITING_INFO): STAFF,
    (S.AWAITING_INFO, S.IN_PROGRESS): ("resident", *STAFF),
    (S.RESOLVED, S.CLOSED): ("resident", *SENIOR),
    (S.RESOLVED, S.IN_PROGRESS): ("resident", *SENIOR),
    (S.REJECTED, S.RECEIVED): SENIOR,
}
# How to bring a fresh item to each status (as the city, which may do every step).
PATH = {
    S.RECEIVED: [],
    S.ACCEPTED: [S.ACCEPTED],
    S.IN_PROGRESS: [S.ACCEPTED, S.IN_PROGRESS],
    S.AWAITING_INFO: [S.ACCEPTED, S.AWAITING_INFO],
    S.RESOLVED: [S.ACCEPTED, S.RESOLVED],
    S.CLOSED: [S.ACCEPTED, S.RESOLVED, S.CLOSED],
    S.REJECTED: [S.REJECTED],
}


def _fresh(wards, actors) -> FeedbackItem:
    lon, lat = inside(wards[0])
    return submit(Submission("den-duong", "Đèn hỏng", "app", lon, lat), actors["resident"])


def _bring(item, status, actors) -> FeedbackItem:
    for step in PATH[status]:
        note = "cần bổ sung" if step == S.AWAITING_INFO else ""  # asking needs a note
        item = transition(actors["admin"], item.tracking_code, step, note, reason="trùng lặp")
    return item


def _step(actor, item, to, target):
    return transition(
        actor, item.tracking_code, to, "ghi chú", reason="không thuộc thẩm quyền",
        merge_into=target.tracking_code,
    )  # fmt: skip


@pytest.mark.parametrize(("source", "to"), sorted(ALLOWED), ids=lambda s: str(s))
@pytest.mark.parametrize("who", EVERYONE)
def test_each_step_is_taken_by_its_roles_and_refused_to_the_others(wards, actors, source, to, who):
    item = _bring(_fresh(wards, actors), source, actors)
    target = _fresh(wards, actors)
    allowed = who in ALLOWED[(source, to)]
    if allowed:
        moved = _step(actors[who], item, to, target)
        assert moved.status == to
        last = FeedbackEvent.objects.filter(item=item).last()
        assert (last.from_status, last.to_status) == (source, to)
        assert last.actor_role == actors[who].role
        assert last.actor == actors[who].user
        return
    # Someone who cannot see the item gets 404; someone who can, 403.
    expected = NotFound if who == "other_ward_staff" else Forbidden
    with pytest.raises(expected):
        _step(actors[who], item, to, target)
    assert FeedbackItem.objects.get(pk=item.pk).status == source


@pytest.mark.parametrize(
    "source",
    [S.RECEIVED, S.ACCEPTED, S.IN_PROGRESS, S.AWAITING_INFO, S.RESOLVED, S.CLOSED, S.REJECTED],
)
def test_steps_not_in_the_table_are_conflicts_even_for_the_admin(wards, actors, source):
    item = _bring(_fresh(wards, actors), source, actors)
    target = _fresh(wards, actors)
    for to in S.values:
        if (source, to) in ALLOWED:
            continue
        with pytest.raises(Conflict):
            _step(actors["admin"], item, to, target)
    assert FeedbackItem.objects.get(pk=item.pk).status == source


def test_a_closed_item_can_go_nowhere(wards, actors):
    item = _bring(_fresh(wards, actors), S.CLOSED, actors)
    assert allowed_next(actors["admin"], item) == []


def test_ward_staff_of_another_ward_get_404_for_the_item(item, actors):
    with pytest.raises(NotFound):
        get_item(actors["other_ward_staff"], item.tracking_code)
    assert not visible_items(actors["other_ward_staff"]).filter(pk=item.pk).exists()
    assert visible_items(actors["ward_staff"]).filter(pk=item.pk).exists()


def test_residents_see_only_their_own_items(item, actors):
    assert visible_items(actors["resident"]).filter(pk=item.pk).exists()
    with pytest.raises(NotFound):
        get_item(actors["other_resident"], item.tracking_code)


def test_leaders_see_everything_and_change_nothing(item, actors):
    assert get_item(actors["leader"], item.tracking_code).pk == item.pk
    assert allowed_next(actors["leader"], item) == []
    with pytest.raises(Forbidden):
        transition(actors["leader"], item.tracking_code, S.ACCEPTED)


def test_a_rejection_needs_a_reason(item, actors):
    with pytest.raises(InvalidParameter) as refused:
        transition(actors["ward_staff"], item.tracking_code, S.REJECTED)
    assert refused.value.parameter == "reason"
    rejected = transition(
        actors["ward_staff"], item.tracking_code, S.REJECTED, reason="Sai địa điểm"
    )
    assert rejected.rejection_reason == "Sai địa điểm"


def test_merge_needs_another_live_item(item, wards, actors):
    with pytest.raises(InvalidParameter):
        transition(actors["ward_staff"], item.tracking_code, S.MERGED)
    with pytest.raises(InvalidParameter):
        transition(
            actors["ward_staff"], item.tracking_code, S.MERGED, merge_into=item.tracking_code
        )
    rejected = _bring(_fresh(wards, actors), S.REJECTED, actors)
    with pytest.raises(Conflict):
        transition(
            actors["ward_staff"], item.tracking_code, S.MERGED, merge_into=rejected.tracking_code
        )
    target = _fresh(wards, actors)
    merged = transition(
        actors["ward_staff"], item.tracking_code, S.MERGED, merge_into=target.tracking_code
    )
    assert merged.merged_into_id == target.pk


def test_ward_staff_cannot_merge_into_another_wards_item(item, wards, actors):
    lon, lat = inside(wards[1])
    elsewhere = submit(Submission("den-duong", "Đèn hỏng", "app", lon, lat), actors["resident"])
    with pytest.raises(NotFound):
        transition(
            actors["ward_staff"], item.tracking_code, S.MERGED, merge_into=elsewhere.tracking_code
        )


def test_reopen_only_within_the_window(item, actors):
    resolved = _bring(item, S.RESOLVED, actors)
    FeedbackItem.objects.filter(pk=resolved.pk).update(
        resolved_at=timezone.now() - timedelta(days=8)
    )
    with pytest.raises(Forbidden) as refused:
        transition(actors["resident"], item.tracking_code, S.IN_PROGRESS, "Vẫn chưa sửa")
    assert "within 7 days" in refused.value.message
    FeedbackItem.objects.filter(pk=resolved.pk).update(
        resolved_at=timezone.now() - timedelta(days=6)
    )
    reopened = transition(actors["resident"], item.tracking_code, S.IN_PROGRESS, "Vẫn chưa sửa")
    assert reopened.status == S.IN_PROGRESS and reopened.resolved_at is None


def test_overdue_follows_the_deadline(item):
    assert not is_overdue(item)
    assert is_overdue(item, now=item.deadline_at + timedelta(minutes=1))
    item.status = S.RESOLVED
    assert not is_overdue(item, now=item.deadline_at + timedelta(days=30))


def test_the_reporter_rates_a_resolved_item(item, actors):
    with pytest.raises(Conflict):
        rate(actors["resident"], item.tracking_code, 5)
    _bring(item, S.RESOLVED, actors)
    with pytest.raises(InvalidParameter):
        rate(actors["resident"], item.tracking_code, 6)
    with pytest.raises(NotFound):
        rate(actors["other_resident"], item.tracking_code, 1)
    with pytest.raises(Forbidden):
        rate(actors["city_staff"], item.tracking_code, 5)
    rated = rate(actors["resident"], item.tracking_code, 4, "Nhanh, cảm ơn")
    assert (rated.rating, rated.rating_comment) == (4, "Nhanh, cảm ơn")


def test_the_timeline_records_every_step_in_order(item, actors):
    transition(actors["ward_staff"], item.tracking_code, S.ACCEPTED, "Đã tiếp nhận")
    transition(actors["ward_staff"], item.tracking_code, S.IN_PROGRESS, "Đội điện đang xử lý")
    transition(actors["ward_staff"], item.tracking_code, S.RESOLVED, "Đã thay bóng")
    transition(actors["resident"], item.tracking_code, S.CLOSED, "Cảm ơn")
    steps = list(item.events.values_list("to_status", "actor_role", "note"))
    assert steps == [
        ("received", "resident", ""),
        ("accepted", "ward_staff", "Đã tiếp nhận"),
        ("in_progress", "ward_staff", "Đội điện đang xử lý"),
        ("resolved", "ward_staff", "Đã thay bóng"),
        ("closed", "resident", "Cảm ơn"),
    ]
