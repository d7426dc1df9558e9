"""Residents' requests: export, correct, delete; their trail; staff's view of late ones."""

from datetime import timedelta

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from feedback.models import FeedbackItem
from privacy.models import DataRequest, DataRequestEvent

from .conftest import REQUESTS, add_photo, post_json, rejected, report_of

pytestmark = pytest.mark.django_db


def _ask(client, user, **body):
    client.force_login(user)
    return post_json(client, REQUESTS, body)


def test_export_answers_everything_held_about_the_resident(client, actors, people, wards):
    mine = report_of(actors, wards[0])
    add_photo(mine, 1, personal=False)
    report_of(actors, wards[0], who="other_resident")
    response = _ask(client, people["resident"], kind="export")
    assert response.status_code == 201
    body = response.json()
    assert body["request"]["kind"] == "export" and body["request"]["status"] == "done"
    exported = body["export"]
    assert exported["account"]["username"] == "dan"
    assert [i["tracking_code"] for i in exported["items"]] == [mine.tracking_code]
    item = exported["items"][0]
    assert item["reporter"] == {
        "name": "Nguyễn Văn A",
        "phone": "0909123456",
        "email": "a@example.vn",
    }
    assert item["exact_location"] is not None and item["address_text"] == "12 Lê Lợi"
    assert item["consent"]["purpose"] == "feedback_handling"
    assert item["timeline"][0]["to"] == "received" and "internal_note" not in item["timeline"][0]
    assert item["photos"][0]["size"] == 3 and "data" not in item["photos"][0]
    assert exported["requests"][0]["kind"] == "export"


def test_every_request_leaves_a_trail_that_cannot_be_changed(client, people):
    _ask(client, people["resident"], kind="export")
    made = DataRequest.objects.get()
    actions = list(made.events.values_list("action", flat=True))
    assert actions == ["received", "exported"]
    event = made.events.first()
    assert event.username == "dan"
    with pytest.raises(DatabaseError), transaction.atomic():
        DataRequestEvent.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(DatabaseError), transaction.atomic():
        DataRequestEvent.objects.filter(pk=event.pk).delete()


def test_correction_updates_contact_details_on_the_residents_items(client, actors, people, wards):
    mine = report_of(actors, wards[0])
    other = report_of(actors, wards[0], who="other_resident")
    response = _ask(client, people["resident"], kind="correct", changes={"phone": "0911000111"})
    assert response.status_code == 201
    assert FeedbackItem.objects.get(pk=mine.pk).reporter_phone == "0911000111"
    assert FeedbackItem.objects.get(pk=other.pk).reporter_phone == "0909123456"
    assert DataRequest.objects.get().changes == {"phone": "0911000111"}


@pytest.mark.parametrize(
    ("body", "parameter", "words"),
    [
        ({"kind": "correct"}, "changes", "Say what to correct"),
        ({"kind": "correct", "changes": {"iban": "x"}}, "changes", "'iban' cannot be corrected"),
        ({"kind": "correct", "changes": {"email": "nope"}}, "changes", "not an e-mail"),
        ({"kind": "correct", "changes": {"phone": 5}}, "changes", "must be text"),
        ({"kind": "correct", "changes": "phone"}, "changes", "must be an object"),
        ({"kind": "forget"}, "kind", "Unknown request kind 'forget'"),
        ({}, "kind", "Unknown request kind ''"),
        ({"kind": "export", "tracking_codes": "HCM"}, "tracking_codes", "must be a list"),
        ({"kind": "export", "tracking_codes": ["HCM-0000-0000"]}, "tracking_codes", "not one of"),
    ],
)
def test_bad_requests_are_400s_naming_the_parameter(client, people, body, parameter, words):
    response = _ask(client, people["resident"], **body)
    assert response.status_code == 400
    assert response.json()["parameter"] == parameter
    assert words in response.json()["detail"]
    assert not DataRequest.objects.exists()


def test_anonymous_callers_are_told_to_sign_in(client):
    response = post_json(client, REQUESTS, {"kind": "export"})
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert client.get(REQUESTS).status_code == 401


def test_another_residents_code_cannot_be_exported(client, actors, people, wards):
    theirs = report_of(actors, wards[0], who="other_resident")
    codes = [theirs.tracking_code]
    response = _ask(client, people["resident"], kind="export", tracking_codes=codes)
    assert response.status_code == 400
    assert response.json()["parameter"] == "tracking_codes"


def test_deletion_of_done_items_erases_them_at_once(client, actors, people, wards):
    done = rejected(actors, report_of(actors, wards[0]))
    response = _ask(client, people["resident"], kind="delete")
    assert response.json()["request"]["status"] == "done"
    item = FeedbackItem.objects.get(pk=done.pk)
    assert (item.reporter_name, item.reporter_phone, item.personal_erased_at is None) == (
        "",
        "",
        False,
    )
    made = DataRequest.objects.get()
    assert made.identification["items"] == [done.tracking_code]
    assert list(made.events.values_list("action", "username")) == [
        ("received", "dan"),
        ("erased", ""),
    ]


def test_deletion_of_an_item_still_handled_waits_for_staff(client, actors, people, wards):
    open_item = report_of(actors, wards[0])
    response = _ask(client, people["resident"], kind="delete")
    assert response.json()["request"]["status"] == "received"
    assert FeedbackItem.objects.get(pk=open_item.pk).reporter_phone == "0909123456"
    made = DataRequest.objects.get()
    client.force_login(people["ward_staff"])
    url = f"{REQUESTS}{made.pk}/decision/"
    assert post_json(client, url, {"status": "done"}).status_code == 403
    client.force_login(people["city_staff"])
    assert post_json(client, url, {"status": "refused"}).json()["parameter"] == "note"
    answer = post_json(client, url, {"status": "done"})
    assert answer.status_code == 200 and answer.json()["status"] == "done"
    assert FeedbackItem.objects.get(pk=open_item.pk).reporter_phone == ""
    assert made.events.last().username == "thanh_pho"
    again = post_json(client, url, {"status": "refused", "note": "x"})
    assert again.status_code == 409
    assert post_json(client, f"{REQUESTS}999999/decision/", {"status": "done"}).status_code == 404


def test_residents_list_their_own_requests_only(client, people):
    _ask(client, people["resident"], kind="export")
    _ask(client, people["other_resident"], kind="export")
    client.force_login(people["resident"])
    body = client.get(REQUESTS).json()
    assert body["count"] == 1


def test_staff_list_every_request_and_the_overdue_ones(client, actors, people, wards):
    report_of(actors, wards[0])
    _ask(client, people["resident"], kind="delete")  # waits for staff
    _ask(client, people["other_resident"], kind="export")  # answered at once
    late = DataRequest.objects.get(kind="delete")
    DataRequest.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=1))
    client.force_login(people["admin"])
    assert client.get(REQUESTS).json()["count"] == 2
    overdue = client.get(REQUESTS, {"overdue": "true"}).json()
    assert [r["id"] for r in overdue["results"]] == [late.pk]
    assert overdue["results"][0]["overdue"] is True
    assert client.get(REQUESTS, {"status": "done"}).json()["count"] == 1
    bad = client.get(REQUESTS, {"overdue": "yes"})
    assert bad.status_code == 400 and bad.json()["parameter"] == "overdue"
    assert client.get(REQUESTS, {"status": "lost"}).json()["parameter"] == "status"


def test_due_time_is_the_legal_time_after_receipt(client, people):
    _ask(client, people["resident"], kind="export")
    made = DataRequest.objects.get()
    assert made.due_at - made.received_at == timedelta(hours=72)


def test_changes_with_another_kind_are_refused(client, people):
    response = _ask(client, people["resident"], kind="export", changes={"phone": "1"})
    assert response.status_code == 400
    assert response.json()["parameter"] == "changes"


def test_a_form_body_is_refused_as_415(client, people):
    client.force_login(people["resident"])
    response = client.post(REQUESTS, {"kind": "export", "tracking_codes": ""})
    assert response.status_code == 415
