"""The log of staff reads of reporters' contact details, and who may read it."""

import pytest
from django.db import DatabaseError, transaction

from feedback.models import ContactAccess

from .conftest import ACCESSES, report_of

pytestmark = pytest.mark.django_db

ITEMS = "/api/v1/feedback/items/"


def test_a_staff_read_of_an_items_detail_logs_one_row(client, item, people):
    client.force_login(people["ward_staff"])
    assert client.get(f"{ITEMS}{item.tracking_code}/").status_code == 200
    row = ContactAccess.objects.get()
    assert (row.user, row.username, row.item_id, row.tracking_code) == (
        people["ward_staff"],
        "can_bo_a",
        item.pk,
        item.tracking_code,
    )
    assert row.fields == "reporter_name,reporter_phone"
    assert row.via == "api:feedback-item"


def test_a_staff_list_logs_one_row_per_item_shown(client, item, people, actors, wards):
    second = report_of(actors, wards[1])
    report_of(actors, wards[1], reporter_name="", reporter_phone="", reporter_email="")
    client.force_login(people["city_staff"])
    assert client.get(ITEMS).json()["count"] == 3
    rows = ContactAccess.objects.order_by("tracking_code")
    assert sorted(rows.values_list("tracking_code", "via", "username")) == sorted(
        [
            (item.tracking_code, "api:feedback-items", "thanh_pho"),
            (second.tracking_code, "api:feedback-items", "thanh_pho"),
        ]
    )  # the item without contact details shows none, and is not logged


def test_public_and_reporter_reads_log_nothing(client, item, people):
    assert client.get(f"/api/v1/feedback/track/{item.tracking_code}/").status_code == 200
    assert client.get(f"/track/{item.tracking_code}/").status_code == 200
    client.force_login(people["resident"])
    assert client.get(f"{ITEMS}{item.tracking_code}/").status_code == 200
    assert not ContactAccess.objects.exists()


def test_the_admin_page_of_an_item_logs_the_read(client, item, people):
    client.force_login(people["admin"])
    response = client.get(f"/admin/feedback/feedbackitem/{item.pk}/change/")
    assert response.status_code == 200
    assert ContactAccess.objects.get().via == "admin:feedbackitem"


def test_an_auditor_reads_the_log_filtered_and_paged(client, item, people, auditor):
    client.force_login(people["ward_staff"])
    client.get(f"{ITEMS}{item.tracking_code}/")
    client.force_login(people["city_staff"])
    client.get(f"{ITEMS}{item.tracking_code}/")
    client.force_login(auditor)
    body = client.get(ACCESSES, {"page_size": 1}).json()
    assert body["count"] == 2 and len(body["results"]) == 1 and body["next"]
    mine = client.get(ACCESSES, {"user": "can_bo_a", "item": item.tracking_code}).json()
    assert [r["user"] for r in mine["results"]] == ["can_bo_a"]
    assert mine["results"][0]["fields"] == ["reporter_name", "reporter_phone"]
    assert client.get(ACCESSES, {"since": "2999-01-01"}).json()["count"] == 0
    bad = client.get(ACCESSES, {"since": "yesterday"})
    assert bad.status_code == 400 and bad.json()["parameter"] == "since"


def test_admins_read_the_log(client, people):
    client.force_login(people["admin"])
    assert client.get(ACCESSES).status_code == 200


@pytest.mark.parametrize("who", ["ward_staff", "city_staff", "leader", "resident"])
def test_others_may_not_read_the_log(client, people, who):
    client.force_login(people[who])
    response = client.get(ACCESSES)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_anonymous_callers_may_not_read_the_log(client):
    assert client.get(ACCESSES).status_code == 401


def test_the_database_refuses_to_change_or_delete_a_row(client, item, people):
    client.force_login(people["ward_staff"])
    client.get(f"{ITEMS}{item.tracking_code}/")
    row = ContactAccess.objects.get()
    with pytest.raises(DatabaseError), transaction.atomic():
        ContactAccess.objects.filter(pk=row.pk).update(username="someone")
    with pytest.raises(DatabaseError), transaction.atomic():
        ContactAccess.objects.filter(pk=row.pk).delete()
    assert ContactAccess.objects.get().username == "can_bo_a"


def test_the_admin_shows_the_log_read_only(client, item, people):
    client.force_login(people["ward_staff"])
    client.get(f"{ITEMS}{item.tracking_code}/")
    client.force_login(people["admin"])
    listing = client.get("/admin/feedback/contactaccess/")
    assert listing.status_code == 200
    assert client.get("/admin/feedback/contactaccess/add/").status_code == 403
    row = ContactAccess.objects.get()
    assert client.post(f"/admin/feedback/contactaccess/{row.pk}/delete/").status_code == 403
