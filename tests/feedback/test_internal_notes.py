"""A workflow step's internal note: for staff in scope, never for the reporter or the public."""

import json

import pytest

from feedback.models import FeedbackEvent
from feedback.workflow import transition

pytestmark = pytest.mark.django_db

ITEMS = "/api/v1/feedback/items/"
PUBLIC_NOTE = "Đã giao đội điện lực"
INTERNAL_NOTE = "Nhà thầu chậm, nhắc lại thứ Hai"


def step(client, code: str, **body):
    return client.post(
        f"{ITEMS}{code}/transitions/", json.dumps(body), content_type="application/json"
    )


@pytest.fixture
def accepted(client, item, people):
    """The item, accepted by its ward's staff with a public and an internal note."""
    client.force_login(people["ward_staff"])
    response = step(
        client, item.tracking_code, to="accepted", note=PUBLIC_NOTE, internal_note=INTERNAL_NOTE
    )
    assert response.status_code == 200, response.content
    client.logout()
    return item


def test_the_step_records_both_notes_and_staff_see_them(client, accepted, people):
    event = FeedbackEvent.objects.get(item=accepted, to_status="accepted")
    assert (event.note, event.internal_note) == (PUBLIC_NOTE, INTERNAL_NOTE)
    for who in ("ward_staff", "city_staff", "leader", "operator"):
        client.force_login(people[who])
        detail = client.get(f"{ITEMS}{accepted.tracking_code}/").json()
        received, step_taken = detail["timeline"]
        assert (step_taken["note"], step_taken["internal_note"]) == (PUBLIC_NOTE, INTERNAL_NOTE)
        assert received["internal_note"] == ""
        listed = client.get(ITEMS).json()["results"]
        assert listed[0]["timeline"][-1]["internal_note"] == INTERNAL_NOTE


def test_the_reporter_sees_the_public_note_only(client, accepted, people):
    client.force_login(people["resident"])
    response = client.get(f"{ITEMS}{accepted.tracking_code}/")
    assert response.json()["timeline"][-1]["note"] == PUBLIC_NOTE
    assert all("internal_note" not in entry for entry in response.json()["timeline"])
    assert INTERNAL_NOTE not in response.content.decode()
    assert INTERNAL_NOTE not in client.get(ITEMS).content.decode()


def test_staff_of_another_ward_do_not_get_the_item(client, accepted, people):
    client.force_login(people["other_ward_staff"])
    assert client.get(f"{ITEMS}{accepted.tracking_code}/").status_code == 404


def test_the_public_outputs_never_show_the_internal_note(client, accepted):
    code = accepted.tracking_code
    page = client.get(f"/track/{code}/").content.decode()
    assert PUBLIC_NOTE in page and INTERNAL_NOTE not in page
    track = client.get(f"/api/v1/feedback/track/{code}/")
    assert track.json()["timeline"][-1]["note"] == PUBLIC_NOTE
    assert all("internal_note" not in entry for entry in track.json()["timeline"])
    for path in (
        f"/open311/v2/requests/{code}.json",
        f"/open311/v2/requests/{code}.xml",
        "/open311/v2/requests.json",
        f"/api/v1/layers/feedback/features/{code}/",
        "/api/v1/layers/feedback/features/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert INTERNAL_NOTE not in response.content.decode(), path


def test_only_staff_may_write_an_internal_note(client, item, people, actors):
    transition(actors["ward_staff"], item.tracking_code, "accepted")
    transition(actors["ward_staff"], item.tracking_code, "resolved")
    client.force_login(people["resident"])
    refused = step(client, item.tracking_code, to="closed", internal_note="Ghi chú nội bộ")
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Only staff may add an internal note."
    assert not FeedbackEvent.objects.filter(item=item, to_status="closed").exists()
    assert step(client, item.tracking_code, to="closed", note="Cảm ơn").status_code == 200
