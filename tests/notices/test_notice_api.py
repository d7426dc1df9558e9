"""Staff create, publish and withdraw notices; every refusal with its status and reason."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from notices.models import Notice, Status
from tests.notices.conftest import inside

pytestmark = pytest.mark.django_db

URL = "/api/v1/notices/"


def _as(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def _body(area: dict, **changes) -> dict:
    now = timezone.now()
    body = {
        "category": "flooding",
        "severity": "warning",
        "title_vi": "Ngập nước",
        "title_en": "Flooding",
        "body_vi": "Tránh đường",
        "body_en": "Avoid the street",
        "area": area,
        "starts_at": now.isoformat(),
        "ends_at": (now + timedelta(hours=6)).isoformat(),
    }
    return {**body, **changes}


def _post(client: Client, body: dict, url: str = URL):
    return client.post(url, json.dumps(body), content_type="application/json")


def _square(lon: float, lat: float, d: float = 0.001) -> dict:
    ring = [[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d]]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def test_city_staff_create_a_draft_anywhere(people, wards):
    _first, second = wards
    response = _post(_as(people["city_staff"]), _body({"kind": "wards", "wards": [second.code]}))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "draft" and data["area"]["ward_codes"] == [second.code]
    assert data["created_by"] == "thanh_pho" and data["area"]["geometry"]["type"] == "MultiPolygon"


def test_ward_staff_create_in_their_ward(people, wards):
    first, _second = wards
    response = _post(_as(people["ward_staff"]), _body({"kind": "wards", "wards": [first.code]}))
    assert response.status_code == 201, response.content


def test_ward_staff_are_refused_outside_their_ward(people, wards):
    _first, second = wards
    response = _post(_as(people["ward_staff"]), _body({"kind": "wards", "wards": [second.code]}))
    assert response.status_code == 403
    assert response.json()["detail"] == f"The area reaches wards outside yours: {second.code}."


def test_anonymous_is_told_to_sign_in(wards):
    response = _post(Client(HTTP_ACCEPT_LANGUAGE="en"), _body({"kind": "wards", "wards": ["1"]}))
    assert response.status_code == 401
    assert response.json()["detail"] == "Sign in (HTTP Basic, a session or an API key) to do this."
    assert response["WWW-Authenticate"].startswith("Basic")


def test_a_user_without_the_permission_is_refused(people, wards):
    first, _second = wards
    response = _post(_as(people["no_perms"]), _body({"kind": "wards", "wards": [first.code]}))
    assert response.status_code == 403
    assert response.json()["detail"] == "You may not manage notices."


def test_an_inverted_window_is_refused(people, wards):
    first, _second = wards
    now = timezone.now()
    body = _body(
        {"kind": "wards", "wards": [first.code]},
        starts_at=now.isoformat(),
        ends_at=(now - timedelta(minutes=1)).isoformat(),
    )
    response = _post(_as(people["city_staff"]), body)
    assert response.status_code == 400
    assert response.json()["parameter"] == "ends_at"
    assert response.json()["detail"] == (
        "The notice must end after it starts (ends_at is not after starts_at)."
    )


@pytest.mark.parametrize(
    ("area", "parameter", "detail"),
    [
        ({"kind": "polygon", "polygon": "{oops"}, "area.polygon", "The polygon is not valid JSON."),
        (
            {"kind": "polygon", "polygon": _square(0.5, 0.5)},
            "area.polygon",
            "The polygon lies outside the city.",
        ),
        (
            {"kind": "wards", "wards": ["00000"]},
            "area.wards",
            "Unknown ward code(s) in generation 2025-07: 00000.",
        ),
        (None, "area", "The area must be an object."),
    ],
)
def test_a_bad_area_is_refused_naming_the_field(people, area, parameter, detail):
    response = _post(_as(people["city_staff"]), _body(area))
    assert response.status_code == 400
    assert (response.json()["parameter"], response.json()["detail"]) == (parameter, detail)


def test_a_self_intersecting_polygon_is_repaired_and_reported(people, wards):
    lon, lat = inside(wards[0])
    d = 0.001
    tie = [[lon - d, lat - d], [lon + d, lat + d], [lon + d, lat - d], [lon - d, lat + d]]
    polygon = {"type": "Polygon", "coordinates": [[*tie, tie[0]]]}
    response = _post(_as(people["city_staff"]), _body({"kind": "polygon", "polygon": polygon}))
    assert response.status_code == 201, response.content
    (repair,) = response.json()["area"]["repairs"]
    assert repair.startswith("Repaired: Self-intersection")
    assert len(response.json()["area"]["geometry"]["coordinates"]) == 2


def test_publish_then_withdraw(people, make_notice, wards):
    notice = make_notice({"kind": "wards", "wards": [wards[0].code]}, publish=False)
    staff = _as(people["city_staff"])
    published = staff.post(f"{URL}{notice.pk}/publish/")
    assert published.status_code == 200 and published.json()["status"] == "published"
    again = staff.post(f"{URL}{notice.pk}/publish/")
    assert again.status_code == 409
    assert again.json()["detail"] == "Only a draft can be published; this notice is published."
    withdrawn = staff.post(f"{URL}{notice.pk}/withdraw/")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert Notice.objects.get(pk=notice.pk).status == Status.WITHDRAWN


def test_publishing_an_ended_notice_is_a_conflict(people, make_notice, wards):
    start = timezone.now() - timedelta(days=2)
    end = timezone.now() - timedelta(days=1)
    notice = make_notice(
        {"kind": "wards", "wards": [wards[0].code]}, starts=start, ends=end, publish=False
    )
    response = _as(people["city_staff"]).post(f"{URL}{notice.pk}/publish/")
    assert response.status_code == 409
    assert response.json()["detail"] == (
        f"This notice ended at {notice.ends_at.isoformat()}; it cannot be published."
    )


def test_withdrawing_a_draft_is_a_conflict(people, make_notice, wards):
    notice = make_notice({"kind": "wards", "wards": [wards[0].code]}, publish=False)
    response = _as(people["city_staff"]).post(f"{URL}{notice.pk}/withdraw/")
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "Only a published notice can be withdrawn; this notice is draft."
    )


def test_steps_are_refused_to_the_anonymous_and_the_unauthorised(people, make_notice, wards):
    notice = make_notice({"kind": "wards", "wards": [wards[0].code]}, publish=False)
    assert Client().post(f"{URL}{notice.pk}/publish/").status_code == 401
    refused = _as(people["no_perms"]).post(f"{URL}{notice.pk}/publish/")
    assert refused.status_code == 403
    assert _as(people["city_staff"]).post(f"{URL}999999999/publish/").status_code == 404


def test_ward_staff_may_not_publish_another_wards_notice(people, make_notice, wards):
    notice = make_notice({"kind": "wards", "wards": [wards[1].code]}, publish=False)
    response = _as(people["ward_staff"]).post(f"{URL}{notice.pk}/publish/")
    assert response.status_code == 403


def test_a_draft_is_hidden_from_the_public(make_notice, wards):
    notice = make_notice({"kind": "wards", "wards": [wards[0].code]}, publish=False)
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"{URL}{notice.pk}/")
    assert response.status_code == 404
    assert response.json()["detail"] == f"No notice with id {notice.pk}."


def test_staff_see_another_wards_published_notice_as_the_public_does(people, make_notice, wards):
    notice = make_notice({"kind": "wards", "wards": [wards[1].code]})
    response = _as(people["ward_staff"]).get(f"{URL}{notice.pk}/")
    assert response.status_code == 200
    assert "created_by" not in response.json() and response.json()["status"] == "published"
    own = _as(people["city_staff"]).get(f"{URL}{notice.pk}/")
    assert own.json()["created_by"] == "thanh_pho"


def test_the_sweep_command_reports_how_many_ended(make_notice, wards):
    notice = make_notice({"kind": "wards", "wards": [wards[0].code]})
    Notice.objects.filter(pk=notice.pk).update(ends_at=timezone.now() - timedelta(seconds=1))
    out = StringIO()
    call_command("sweep_notices", stdout=out)
    assert out.getvalue().strip() == "1 notice(s) ended since the last sweep."
