"""The feedback actions called directly (``feedback.services``), as both the REST API and
Open311 call them: submitting once per key, refusals before any photo is decoded, steps and
ratings with the item returned as the actor now sees it."""

from dataclasses import dataclass

import pytest

from core.errors import Forbidden, InvalidParameter, NotFound, TooManyRequests, Unprocessable
from feedback.intake import Submission
from feedback.models import FeedbackItem, IdempotencyRecord, Status
from feedback.services import (
    ANONYMOUS,
    PreparedReport,
    key_scope,
    rate_item,
    service_account_actor,
    submit_report,
    take_step,
)

from .conftest import inside
from .rest import limits

pytestmark = pytest.mark.django_db

KEY = "0b6e5b0e-6f1c-4f0c-9d7a-3b1f2b0c9e11"


def _submission(ward, description: str = "Đèn đường tắt") -> Submission:
    lon, lat = inside(ward)
    return Submission(
        category="den-duong", description=description, channel="app", lon=lon, lat=lat
    )


@dataclass
class NeverBuilt:
    """A report whose submission must not be built (its photos would be decoded)."""

    fingerprint_of: str = "the same report"

    def fingerprint(self) -> str:
        """A fixed fingerprint."""
        return self.fingerprint_of

    def submission(self) -> Submission:
        """Fails the test: the service should have refused or replayed first."""
        raise AssertionError("the submission was built")


def test_a_report_is_filed_once_per_key_and_a_retry_builds_nothing(wards, actors):
    first, created = submit_report(
        actors["resident"], PreparedReport(_submission(wards[0])), scope="user:1", key=KEY
    )
    sent = PreparedReport(_submission(wards[0]))
    again, created_again = submit_report(
        actors["resident"], NeverBuilt(sent.fingerprint()), scope="user:1", key=KEY
    )
    assert (created, created_again) == (True, False)
    assert again == first and first.ward == wards[0]
    assert IdempotencyRecord.objects.get(key=KEY).scope == "user:1"


def test_a_key_reused_for_another_report_is_422_before_building(wards, actors):
    submit_report(actors["resident"], PreparedReport(_submission(wards[0])), scope="s", key=KEY)
    with pytest.raises(Unprocessable) as refused:
        submit_report(actors["resident"], NeverBuilt("another report"), scope="s", key=KEY)
    assert refused.value.parameter == "Idempotency-Key"
    assert FeedbackItem.objects.count() == 1


def test_a_leader_is_refused_before_anything_is_read(actors):
    with pytest.raises(Forbidden):
        submit_report(actors["leader"], NeverBuilt(), scope=ANONYMOUS, key=KEY, client="x")


def test_a_malformed_key_is_400_before_anything_is_read(actors):
    with pytest.raises(InvalidParameter) as refused:
        submit_report(actors["resident"], NeverBuilt(), scope="s", key="not ascii: đ")
    assert refused.value.parameter == "Idempotency-Key"


def test_anonymous_clients_are_counted_apart_and_refused_before_building(wards):
    anonymous = service_account_actor()
    with limits(FEEDBACK_ANON_PER_MINUTE=1, FEEDBACK_ANON_PER_HOUR=100):
        submit_report(anonymous, PreparedReport(_submission(wards[0])), scope=ANONYMOUS, client="a")
        with pytest.raises(TooManyRequests):
            submit_report(anonymous, NeverBuilt(), scope=ANONYMOUS, client="a")
        _item, created = submit_report(
            anonymous, PreparedReport(_submission(wards[0])), scope=ANONYMOUS, client="b"
        )
    assert created


def test_an_api_key_files_in_its_own_key_space_without_a_rate_limit(wards):
    with limits(FEEDBACK_ANON_PER_MINUTE=1, FEEDBACK_ANON_PER_HOUR=1):
        created = [
            submit_report(
                service_account_actor(),
                PreparedReport(_submission(wards[0], f"Báo cáo {n}")),
                scope=key_scope("cm_abc"),
            )[1]
            for n in range(3)
        ]
    assert created == [True, True, True]


def test_a_step_returns_the_item_as_the_actor_now_sees_it(item, actors):
    moved = take_step(actors["ward_staff"], item.tracking_code, Status.ACCEPTED, note="Đã giao")
    assert moved.status == Status.ACCEPTED
    assert moved.events.order_by("at", "id").last().note == "Đã giao"


def test_anonymous_callers_and_other_wards_find_no_item_to_step(item, actors):
    for actor in (service_account_actor(), actors["other_ward_staff"]):
        with pytest.raises(NotFound):
            take_step(actor, item.tracking_code, Status.ACCEPTED)
    assert FeedbackItem.objects.get(pk=item.pk).status == Status.RECEIVED


def test_the_reporter_rates_a_resolved_item(item, actors):
    take_step(actors["ward_staff"], item.tracking_code, Status.ACCEPTED)
    take_step(actors["ward_staff"], item.tracking_code, Status.RESOLVED)
    rated = rate_item(actors["resident"], item.tracking_code, 5, "  Nhanh  ")
    assert (rated.rating, rated.rating_comment) == (5, "Nhanh")
    with pytest.raises(NotFound):
        rate_item(service_account_actor(), item.tracking_code, 5)
