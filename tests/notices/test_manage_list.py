"""The staff list of the notices they may manage: every status, filtered by status and
ward, ward staff limited to their wards, newest first, paged; refusals with their reasons."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from feedback.workflow import actor_for
from notices import services
from notices.models import Notice
from tests.notices.conftest import inside

pytestmark = pytest.mark.django_db

URL = "/api/v1/notices/manage/"


def _as(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [notice["id"] for notice in response.json()["results"]]


@pytest.fixture
def notices(make_notice, wards, people) -> dict[str, Notice]:
    """One notice of each kind: drafts, published, ended and withdrawn, in both wards."""
    first, second = wards
    own = {"kind": "wards", "wards": [first.code]}
    past_start, past_end = timezone.now() - timedelta(days=2), timezone.now() - timedelta(days=1)
    made = {
        "draft": make_notice(own, publish=False, title="Nháp"),
        "published": make_notice(own, title="Đang có"),
        "ended": make_notice(own, title="Đã qua"),
        "withdrawn": make_notice(own, title="Đã rút"),
        "other_ward": make_notice({"kind": "wards", "wards": [second.code]}, publish=False),
        "both_wards": make_notice({"kind": "wards", "wards": [first.code, second.code]}),
    }
    Notice.objects.filter(pk=made["ended"].pk).update(starts_at=past_start, ends_at=past_end)
    services.withdraw(actor_for(people["city_staff"]), made["withdrawn"].pk)
    return made


def test_city_staff_see_every_notice_newest_first(people, notices):
    ids = _ids(_as(people["city_staff"]).get(URL))
    expected = [n.pk for n in sorted(notices.values(), key=lambda n: n.pk, reverse=True)]
    assert ids[: len(expected)] == expected


def test_the_staff_view_is_shown(people, notices):
    response = _as(people["city_staff"]).get(URL)
    first = response.json()["results"][0]
    assert first["created_by"] == "thanh_pho" and "updated_at" in first
    assert "geometry" not in first["area"]
    assert response.json()["count"] == len(notices)


def test_ward_staff_see_only_notices_within_their_wards(people, notices):
    ids = _ids(_as(people["ward_staff"]).get(URL))
    mine = ("draft", "published", "ended", "withdrawn")
    assert sorted(ids) == sorted(notices[name].pk for name in mine)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("draft", ["other_ward", "draft"]),
        ("published", ["both_wards", "published"]),
        ("ended", ["ended"]),
        ("withdrawn", ["withdrawn"]),
        ("", ["both_wards", "other_ward", "withdrawn", "ended", "published", "draft"]),
    ],
)
def test_a_status_filter_keeps_that_status(people, notices, status, expected):
    ids = _ids(_as(people["city_staff"]).get(URL, {"status": status}))
    assert ids == [notices[name].pk for name in expected]


def test_a_ward_filter_keeps_the_notices_that_reach_it(people, notices, wards):
    ids = _ids(_as(people["city_staff"]).get(URL, {"ward": wards[1].code}))
    assert ids == [notices["both_wards"].pk, notices["other_ward"].pk]


def test_a_polygon_notice_is_found_by_the_ward_it_reaches(people, make_notice, wards):
    lon, lat = inside(wards[0])
    d = 0.0005
    ring = [[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d]]
    polygon = {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}
    notice = make_notice({"kind": "polygon", "polygon": polygon}, publish=False)
    ids = _ids(_as(people["ward_staff"]).get(URL, {"ward": wards[0].code, "status": "draft"}))
    assert ids == [notice.pk]


def test_the_list_is_paged(people, notices):
    response = _as(people["city_staff"]).get(URL, {"page_size": 2, "page": 2})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 2 and response.json()["count"] == len(notices)
    assert response.json()["next"] and response.json()["previous"]


def test_an_unknown_status_is_refused_naming_it(people):
    response = _as(people["city_staff"]).get(URL, {"status": "open"})
    assert response.status_code == 400
    assert response.json()["parameter"] == "status"
    assert response.json()["detail"] == (
        "Unknown status 'open'; use one of draft, published, withdrawn, ended."
    )


@pytest.mark.parametrize("code", ["00000", "x" * 30])
def test_an_unknown_ward_is_refused_naming_it(people, code):
    response = _as(people["city_staff"]).get(URL, {"ward": code})
    assert response.status_code == 400
    assert response.json()["parameter"] == "ward"
    assert response.json()["detail"] == f"No ward with code {code[:20]}."


def test_a_page_past_the_last_is_not_found(people, notices):
    response = _as(people["city_staff"]).get(URL, {"page": 99})
    assert response.status_code == 404


def test_the_anonymous_are_told_to_sign_in():
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get(URL)
    assert response.status_code == 401
    assert response.json()["detail"] == "Sign in (HTTP Basic, a session or an API key) to do this."
    assert response["WWW-Authenticate"].startswith("Basic")


def test_a_user_without_the_permission_is_refused(people):
    response = _as(people["no_perms"]).get(URL)
    assert response.status_code == 403
    assert response.json()["detail"] == "You may not manage notices."
