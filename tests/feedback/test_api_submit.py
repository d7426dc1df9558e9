"""Submitting through the REST API: routing, who sees what back, Idempotency-Key, the
anonymous rate limit, precise refusals, leaders, operators and service accounts."""

import uuid

import pytest

from apikeys.keys import create_key
from feedback.models import FeedbackItem, IdempotencyRecord

from .rest import PRIVATE_KEYS, limits, post, report

pytestmark = pytest.mark.django_db


def test_anonymous_submission_is_created_routed_and_answered_without_private_fields(client, wards):
    response = post(client, report(wards[0]))
    assert response.status_code == 201, response.content
    body = response.json()
    item = FeedbackItem.objects.get(tracking_code=body["tracking_code"])
    assert item.ward == wards[0]
    assert item.reporter_phone == "0912345678"  # kept for staff
    assert body["ward"]["code"] == wards[0].code
    assert body["status"] == "received" and len(body["timeline"]) == 1
    assert not PRIVATE_KEYS & body.keys()
    assert "0912345678" not in response.content.decode()
    assert "Trần Thị B" not in response.content.decode()
    assert response["Location"].endswith(f"/api/v1/feedback/track/{item.tracking_code}/")


def test_a_resident_gets_the_private_view_of_their_own_item(client, wards, people):
    client.force_login(people["resident"])
    body = post(client, report(wards[0])).json()
    assert body["reporter"]["account"] == "dan"
    assert body["reporter"]["phone"] == "0912345678"
    assert (
        FeedbackItem.objects.get(tracking_code=body["tracking_code"]).reporter == people["resident"]
    )


def test_the_same_idempotency_key_creates_one_item_and_returns_it_again(client, wards):
    key = str(uuid.uuid4())
    first = post(client, report(wards[0]), key)
    again = post(client, report(wards[0]), key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["tracking_code"] == first.json()["tracking_code"]
    assert FeedbackItem.objects.count() == 1
    assert IdempotencyRecord.objects.get(key=key).scope == "anonymous"


def test_a_key_reused_for_a_different_report_is_refused_and_creates_nothing(client, wards):
    key = str(uuid.uuid4())
    post(client, report(wards[0]), key)
    response = post(client, report(wards[0], description="Một chuyện khác"), key)
    assert response.status_code == 422
    assert response.json()["parameter"] == "Idempotency-Key"
    assert FeedbackItem.objects.count() == 1


def test_keys_of_different_users_do_not_collide(client, wards, people):
    key = str(uuid.uuid4())
    client.force_login(people["resident"])
    first = post(client, report(wards[0]), key).json()
    client.force_login(people["other_resident"])
    second = post(client, report(wards[0]), key).json()
    assert first["tracking_code"] != second["tracking_code"]


def test_a_malformed_idempotency_key_is_refused(client, wards):
    response = post(client, report(wards[0]), "x" * 201)
    assert response.status_code == 400
    assert response.json()["parameter"] == "Idempotency-Key"
    assert not FeedbackItem.objects.exists()


def test_a_failed_submission_leaves_the_key_free_for_the_corrected_retry(client, wards):
    key = str(uuid.uuid4())
    bad = post(client, report(wards[0], category="khong-co"), key)
    good = post(client, report(wards[0]), key)
    assert (bad.status_code, good.status_code) == (400, 201)


def test_anonymous_submissions_are_rate_limited_per_client_with_retry_after(client, wards):
    with limits(FEEDBACK_ANON_PER_MINUTE=2, FEEDBACK_ANON_PER_HOUR=100):
        codes = [post(client, report(wards[0])).status_code for _ in range(3)]
        refused = post(client, report(wards[0]))
        other = post(client, report(wards[0]), REMOTE_ADDR="203.0.113.7")
    assert codes == [201, 201, 429]
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json()["code"] == "too_many_requests"
    assert other.status_code == 201  # another client has its own count
    assert FeedbackItem.objects.count() == 3


def test_retries_of_an_accepted_report_do_not_count_against_the_limit(client, wards):
    key = str(uuid.uuid4())
    with limits(FEEDBACK_ANON_PER_MINUTE=1, FEEDBACK_ANON_PER_HOUR=100):
        statuses = [post(client, report(wards[0]), key).status_code for _ in range(4)]
    assert statuses == [201, 200, 200, 200]


def test_signed_in_residents_are_not_rate_limited(client, wards, people):
    client.force_login(people["resident"])
    with limits(FEEDBACK_ANON_PER_MINUTE=1, FEEDBACK_ANON_PER_HOUR=1):
        statuses = {post(client, report(wards[0])).status_code for _ in range(3)}
    assert statuses == {201}


def test_behind_a_proxy_the_limit_follows_the_forwarded_address(client, wards):
    with limits(
        FEEDBACK_ANON_PER_MINUTE=1, FEEDBACK_ANON_PER_HOUR=100, CLIENT_IP_HEADER="X-Forwarded-For"
    ):
        first = post(client, report(wards[0]), HTTP_X_FORWARDED_FOR="198.51.100.1, 10.0.0.1")
        other = post(client, report(wards[0]), HTTP_X_FORWARDED_FOR="198.51.100.1, 10.0.0.2")
        again = post(client, report(wards[0]), HTTP_X_FORWARDED_FOR="203.0.113.9, 10.0.0.1")
    # The last entry is the one the proxy added: the client as the proxy saw it.
    assert (first.status_code, other.status_code, again.status_code) == (201, 201, 429)


def test_a_key_reused_for_other_reports_counts_against_the_limit(client, wards):
    key = str(uuid.uuid4())
    with limits(FEEDBACK_ANON_PER_MINUTE=3, FEEDBACK_ANON_PER_HOUR=100):
        accepted = post(client, report(wards[0]), key).status_code
        reused = [
            post(client, report(wards[0], description=f"Báo cáo khác số {n}"), key)
            for n in range(4)
        ]
        retry = post(client, report(wards[0]), key)  # the true retry is never counted
    assert accepted == 201
    assert [r.status_code for r in reused] == [422, 422, 429, 429]
    assert reused[0].json()["parameter"] == "Idempotency-Key"
    assert reused[2].json()["code"] == "too_many_requests"
    assert (retry.status_code, retry["Idempotent-Replayed"]) == (200, "true")
    assert FeedbackItem.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "parameter", "code"),
    [
        ({"category": "khong-co"}, "category", "invalid_parameter"),
        ({"description": "  "}, "description", "invalid_parameter"),
        ({"channel": "fax"}, "channel", "invalid_parameter"),
        ({"location": {"lon": 106.7}}, "lat", "invalid_parameter"),
        ({"location": {"lon": 200, "lat": 10.7}}, "lon", "invalid_parameter"),
        ({"location": "106.7,10.7"}, "location", "invalid_parameter"),
        ({"location": {"lon": 105.85, "lat": 21.03}}, "location", "outside_city"),
        ({"location": None}, "location", "invalid_parameter"),
        ({"description": 12}, "description", "invalid_parameter"),
        ({"reporter_email": "khong-phai-email"}, "reporter_email", "invalid_parameter"),
    ],
)
def test_bad_submissions_are_refused_precisely_and_store_nothing(
    client, wards, change, parameter, code
):
    response = post(client, report(wards[0], **change))
    assert response.status_code == 400, response.content
    assert response.json()["parameter"] == parameter
    assert response.json()["code"] == code
    assert not FeedbackItem.objects.exists()


def test_leaders_are_read_only(client, wards, people):
    client.force_login(people["leader"])
    response = post(client, report(wards[0]))
    assert response.status_code == 403
    assert not FeedbackItem.objects.exists()


def test_an_operator_submission_defaults_to_the_hotline_channel(client, wards, people):
    client.force_login(people["operator"])
    body = post(client, report(wards[0])).json()
    assert body["channel"] == "hotline"
    assert FeedbackItem.objects.get(tracking_code=body["tracking_code"]).reporter is None


def test_a_service_account_with_the_feedback_scope_submits(client, wards):
    _key, raw = create_key("ung-dung", ["feedback"])
    response = post(client, report(wards[0]), HTTP_X_API_KEY=raw)
    assert response.status_code == 201
    assert FeedbackItem.objects.get(tracking_code=response.json()["tracking_code"]).api_key == _key


def test_a_key_for_another_api_or_a_bad_key_is_refused(client, wards):
    _key, raw = create_key("tong-hop", ["open311"])
    assert post(client, report(wards[0]), HTTP_X_API_KEY=raw).status_code == 403
    wrong = post(client, report(wards[0]), HTTP_X_API_KEY="cm_nope_nope")
    assert wrong.status_code == 401
    assert not FeedbackItem.objects.exists()
