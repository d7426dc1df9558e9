"""Staff change a draft notice (PATCH): any subset of the create body's fields, checked as
on creation; published and withdrawn notices are refused; the row is locked meanwhile."""

import json
import threading
from datetime import timedelta

import psycopg
import pytest
from django.test import Client
from django.utils import timezone

from core.errors import Conflict
from feedback.models import Role
from feedback.workflow import Actor
from layers.target_areas import target_area
from notices import services
from notices.models import Notice, Status
from tests.sessions import dsn

pytestmark = pytest.mark.django_db

URL = "/api/v1/notices/"


def _as(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def _patch(client: Client, notice_id: int, body: object):
    return client.patch(f"{URL}{notice_id}/", json.dumps(body), content_type="application/json")


@pytest.fixture
def draft(make_notice, wards) -> Notice:
    """A draft of the first ward (made by city staff)."""
    return make_notice({"kind": "wards", "wards": [wards[0].code]}, publish=False)


def test_staff_change_a_drafts_texts_and_severity(people, draft):
    response = _patch(
        _as(people["city_staff"]), draft.pk, {"title_vi": "  Mất nước  ", "severity": "danger"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["title_vi"] == "Mất nước" and response.json()["severity"] == "danger"
    stored = Notice.objects.get(pk=draft.pk)
    assert (stored.title_vi, stored.severity, stored.body_vi) == ("Mất nước", "danger", "Nội dung")
    assert stored.status == Status.DRAFT


def test_ward_staff_move_their_draft_to_a_radius_in_their_ward(people, draft, wards):
    point = wards[0].geom.point_on_surface
    area = {"kind": "radius", "lon": point.x, "lat": point.y, "radius_m": 10}
    response = _patch(_as(people["ward_staff"]), draft.pk, {"area": area})
    assert response.status_code == 200, response.content
    assert response.json()["area"]["kind"] == "radius"
    assert response.json()["area"]["repairs"] == []
    stored = Notice.objects.get(pk=draft.pk)
    assert stored.area_kind == "radius" and stored.radius_m == 10
    assert stored.current_wards == [wards[0].code]


def test_a_new_area_outside_the_ward_staffs_wards_is_refused(people, draft, wards):
    area = {"kind": "wards", "wards": [wards[0].code, wards[1].code]}
    response = _patch(_as(people["ward_staff"]), draft.pk, {"area": area})
    assert response.status_code == 403
    assert response.json()["parameter"] == "area"
    assert response.json()["detail"] == f"The area reaches wards outside yours: {wards[1].code}."
    assert Notice.objects.get(pk=draft.pk).ward_codes == [wards[0].code]


def test_ward_staff_may_not_change_another_wards_draft(people, make_notice, wards):
    other = make_notice({"kind": "wards", "wards": [wards[1].code]}, publish=False)
    response = _patch(_as(people["ward_staff"]), other.pk, {"title_vi": "Khác"})
    assert response.status_code == 403 and response.json()["parameter"] == "area"


def test_the_window_is_checked_against_the_notices_own(people, draft):
    before_start = (draft.starts_at - timedelta(minutes=1)).isoformat()
    response = _patch(_as(people["city_staff"]), draft.pk, {"ends_at": before_start})
    assert response.status_code == 400
    assert response.json()["parameter"] == "ends_at"
    assert response.json()["detail"] == (
        "The notice must end after it starts (ends_at is not after starts_at)."
    )
    after_end = (draft.ends_at + timedelta(minutes=1)).isoformat()
    moved = _patch(_as(people["city_staff"]), draft.pk, {"starts_at": after_end})
    assert moved.status_code == 400 and moved.json()["parameter"] == "starts_at"


def test_a_whole_new_window_is_taken(people, draft):
    starts = timezone.now() + timedelta(days=3)
    body = {"starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=2)).isoformat()}
    response = _patch(_as(people["city_staff"]), draft.pk, body)
    assert response.status_code == 200, response.content
    assert Notice.objects.get(pk=draft.pk).starts_at == starts


@pytest.mark.parametrize(
    ("body", "parameter", "detail"),
    [
        ({"category": "fire"}, "category", "'category' must be one of: "),
        ({"severity": None}, "severity", "'severity' must be one of: "),
        ({"title_vi": " "}, "title_vi", "'title_vi' is required."),
        ({"body_en": 5}, "body_en", "'body_en' must be text."),
        ({"title_en": "x" * 201}, "title_en", "'title_en' is longer than 200 characters."),
        ({"starts_at": "soon"}, "starts_at", "'starts_at' is not an ISO 8601 date and time: soon."),
        ({"ends_at": None}, "ends_at", "'ends_at' is required, as an ISO 8601 date and time."),
        ({"area": {"kind": "wards", "wards": ["00000"]}}, "area.wards", "Unknown ward code(s)"),
        ({"area": None}, "area", "The area must be an object."),
        ({}, "body", "The body changes nothing: send one or more of category, severity, "),
        ({"colour": "red"}, "body", "The body changes nothing"),
        ([1], "body", "The body must be a JSON object."),
    ],
)
def test_a_bad_field_is_refused_as_on_creation(people, draft, body, parameter, detail):
    response = _patch(_as(people["city_staff"]), draft.pk, body)
    assert response.status_code == 400, response.content
    assert response.json()["parameter"] == parameter
    assert response.json()["detail"].startswith(detail)
    assert Notice.objects.get(pk=draft.pk).updated_at == draft.updated_at


@pytest.mark.parametrize("step", ["publish", "withdraw"])
def test_a_published_or_withdrawn_notice_cannot_be_changed(people, draft, step):
    staff = _as(people["city_staff"])
    staff.post(f"{URL}{draft.pk}/publish/")
    if step == "withdraw":
        staff.post(f"{URL}{draft.pk}/withdraw/")
    status = "published" if step == "publish" else "withdrawn"
    response = _patch(staff, draft.pk, {"title_vi": "Sửa"})
    assert response.status_code == 409
    assert response.json()["detail"] == (
        f"Only a draft can be changed; this notice is {status} and residents have seen its "
        "text and area. Withdraw it and create a new one."
    )
    assert Notice.objects.get(pk=draft.pk).title_vi == "Cắt nước"


def test_an_unknown_notice_is_not_found(people):
    for notice_id in (999999999, 2**70):
        response = _patch(_as(people["city_staff"]), notice_id, {"title_vi": "Sửa"})
        assert response.status_code == 404
        assert response.json()["detail"] == f"No notice with id {notice_id}."


def test_the_anonymous_and_the_unauthorised_are_refused(people, draft):
    anonymous = _patch(Client(HTTP_ACCEPT_LANGUAGE="en"), draft.pk, {"title_vi": "Sửa"})
    assert anonymous.status_code == 401 and anonymous["WWW-Authenticate"].startswith("Basic")
    refused = _patch(_as(people["no_perms"]), draft.pk, {"title_vi": "Sửa"})
    assert refused.status_code == 403
    assert refused.json()["detail"] == "You may not manage notices."


def test_a_form_body_is_refused_as_another_media_type(people, draft):
    client = _as(people["city_staff"])
    response = client.patch(
        f"{URL}{draft.pk}/", "title_vi=x", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415


@pytest.fixture
def committed_draft(committed, wards):
    """A draft of the first ward, committed (seen by other connections); deleted afterwards."""
    actor = Actor(None, Role.CITY_STAFF)

    def create() -> int:
        starts = timezone.now()
        return Notice.objects.create(
            category="water_cut",
            title_vi="Cắt nước",
            body_vi="Nội dung",
            **services._area_fields(target_area({"kind": "wards", "wards": [wards[0].code]})),
            starts_at=starts,
            ends_at=starts + timedelta(days=1),
        ).pk

    pk = committed(create)
    yield actor, pk
    committed(lambda: Notice.objects.filter(pk=pk).delete())


def test_a_change_waits_for_a_publish_in_flight_and_is_then_refused(committed, committed_draft):
    actor, pk = committed_draft
    outcome: dict[str, object] = {}

    def change() -> None:
        try:
            services.change_draft(actor, pk, {"title_vi": "Sửa"})
            outcome["result"] = "changed"
        except Conflict as refusal:
            outcome["result"] = refusal

    with psycopg.connect(dsn()) as publisher:
        # A publish in flight: the row held FOR UPDATE, as services.publish holds it.
        publisher.execute("SELECT 1 FROM notices_notice WHERE id = %s FOR UPDATE", [pk])
        publisher.execute("UPDATE notices_notice SET status = 'published' WHERE id = %s", [pk])
        worker = threading.Thread(target=lambda: committed(change))
        worker.start()
        worker.join(timeout=1.0)
        assert worker.is_alive(), "the change must wait for the publish in flight"
        publisher.commit()
    worker.join(timeout=10)
    assert isinstance(outcome["result"], Conflict), outcome["result"]
    assert committed(lambda: Notice.objects.get(pk=pk).title_vi) == "Cắt nước"
