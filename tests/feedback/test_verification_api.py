"""Verification through the REST API: POST items/<code>/verification/ {verdict, reason} by a
signed-in reporter; the staff view shows the verdicts, the public view counts only."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from feedback.models import FeedbackItem

from .conftest import _user
from .rest import ITEMS, step, submit_as

pytestmark = pytest.mark.django_db


def verdict(client, code: str, **body):
    """POST a verdict."""
    return client.post(
        f"{ITEMS}{code}/verification/", json.dumps(body), content_type="application/json"
    )


@pytest.fixture
def codes(client, wards, people):
    """(the resident's item, the neighbour's merged into it), resolved by the ward."""
    first = submit_as(client, people["resident"], wards[0])
    second = submit_as(client, people["other_resident"], wards[0])
    client.force_login(people["ward_staff"])
    assert step(client, second, to="merged", merge_into=first).status_code == 200
    assert step(client, first, to="accepted").status_code == 200
    assert step(client, first, to="resolved").status_code == 200
    return first, second


def test_the_reporter_confirms_and_the_item_closes(client, people, codes):
    client.force_login(people["resident"])
    answer = verdict(client, codes[0], verdict="confirmed")
    assert answer.status_code == 201
    body = answer.json()
    assert (body["item"], body["via_item"], body["verdict"], body["status"]) == (
        codes[0],
        codes[0],
        "confirmed",
        "closed",
    )


def test_a_merged_reporter_disputes_and_the_timeline_shows_the_reason(client, people, codes):
    client.force_login(people["other_resident"])
    answer = verdict(client, codes[1], verdict="disputed", reason="Đèn vẫn tắt")
    assert answer.status_code == 201
    assert (answer.json()["item"], answer.json()["status"]) == (codes[0], "in_progress")
    public = client.get(f"/api/v1/feedback/track/{codes[0]}/").json()
    assert public["timeline"][-1]["note"] == "Đèn vẫn tắt"
    assert public["verifications"] == {"confirmed": 0, "disputed": 1}
    assert "verdicts" not in public and "repeat_of" not in public
    client.force_login(people["ward_staff"])
    staff = client.get(f"{ITEMS}{codes[0]}/").json()
    assert [(v["via_item"], v["verdict"], v["reason"]) for v in staff["verdicts"]] == [
        (codes[1], "disputed", "Đèn vẫn tắt")
    ]


def test_the_reporters_own_view_has_counts_not_verdicts(client, people, codes):
    client.force_login(people["other_resident"])
    verdict(client, codes[0], verdict="confirmed")
    client.force_login(people["resident"])
    own = client.get(f"{ITEMS}{codes[0]}/").json()
    assert own["verifications"] == {"confirmed": 1, "disputed": 0}
    assert "verdicts" not in own


def test_a_dispute_without_reason_is_a_400_naming_it(client, people, codes):
    client.force_login(people["resident"])
    answer = verdict(client, codes[0], verdict="disputed")
    assert (answer.status_code, answer.json()["parameter"]) == (400, "reason")


def test_a_missing_verdict_is_a_400_naming_it(client, people, codes):
    client.force_login(people["resident"])
    answer = verdict(client, codes[0])
    assert (answer.status_code, answer.json()["parameter"]) == (400, "verdict")


def test_outside_the_window_is_a_409(client, people, codes):
    late = timezone.now() - timedelta(days=8)
    FeedbackItem.objects.filter(tracking_code=codes[0]).update(resolved_at=late)
    client.force_login(people["resident"])
    answer = verdict(client, codes[0], verdict="disputed", reason="Vẫn hỏng")
    assert answer.status_code == 409
    assert "within 7 days" in answer.json()["detail"]


def test_twice_is_a_409_and_one_row(client, people, codes):
    client.force_login(people["other_resident"])
    assert verdict(client, codes[0], verdict="confirmed").status_code == 201
    assert verdict(client, codes[0], verdict="confirmed").status_code == 409
    assert FeedbackItem.objects.get(tracking_code=codes[0]).verifications.count() == 1


def test_strangers_and_anonymous_callers_get_404_staff_roles_403(client, people, codes):
    assert verdict(client, codes[0], verdict="confirmed").status_code == 403  # ward staff
    client.logout()
    assert verdict(client, codes[0], verdict="confirmed").status_code == 404
    client.force_login(people["operator"])
    assert verdict(client, codes[0], verdict="confirmed").status_code == 403
    client.force_login(people["leader"])
    assert verdict(client, codes[0], verdict="confirmed").status_code == 403
    client.force_login(_user("nguoi_la"))
    assert verdict(client, codes[0], verdict="confirmed").status_code == 404
