"""Repeats: a report of a category near an item of the same category resolved within the
category's repeat window is linked to it (``repeat_of``), on real points of a demo ward."""

import math
from datetime import timedelta

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from feedback.intake import Submission, submit
from feedback.models import FeedbackCategory, FeedbackItem, Status
from feedback.repeats import find_repeat
from feedback.workflow import transition
from tests.feedback.conftest import inside

from .rest import ITEMS, limits

pytestmark = pytest.mark.django_db


def _east(lon: float, lat: float, metres: float) -> tuple[float, float]:
    """The point ``metres`` east of (lon, lat)."""
    return lon + metres / (111_320 * math.cos(math.radians(lat))), lat


def _report(actor, lon, lat, category="den-duong") -> FeedbackItem:
    return submit(
        Submission(category=category, description="Đèn tắt", channel="app", lon=lon, lat=lat),
        actor,
    )


@pytest.fixture
def fixed(wards, actors):
    """A street light in the first ward, reported, resolved by the ward and closed."""
    lon, lat = inside(wards[0])
    item = _report(actors["resident"], lon, lat)
    transition(actors["ward_staff"], item.tracking_code, Status.ACCEPTED)
    transition(actors["ward_staff"], item.tracking_code, Status.RESOLVED)
    return transition(actors["resident"], item.tracking_code, Status.CLOSED)


def test_a_report_nearby_soon_after_is_a_repeat(wards, actors, fixed):
    lon, lat = _east(*inside(wards[0]), 30)
    again = _report(actors["other_resident"], lon, lat)
    assert again.repeat_of == fixed


def test_a_report_beyond_the_distance_is_not(wards, actors, fixed):
    lon, lat = _east(*inside(wards[0]), 80)
    assert _report(actors["other_resident"], lon, lat).repeat_of is None


def test_the_distance_is_a_setting(wards, actors, fixed):
    lon, lat = _east(*inside(wards[0]), 80)
    with limits(REPEAT_DISTANCE_M=100):
        assert _report(actors["other_resident"], lon, lat).repeat_of == fixed


def test_a_resolution_older_than_the_window_is_not_repeated(wards, fixed):
    window = fixed.category.repeat_window_days
    now = fixed.resolved_at + timedelta(days=window, minutes=1)
    assert find_repeat(fixed.category, fixed.geom, now) is None
    assert find_repeat(fixed.category, fixed.geom, now - timedelta(minutes=2)) == fixed


def test_the_window_is_the_categorys(wards, fixed):
    FeedbackCategory.objects.filter(pk=fixed.category_id).update(repeat_window_days=2)
    category = FeedbackCategory.objects.get(pk=fixed.category_id)
    assert find_repeat(category, fixed.geom, fixed.resolved_at + timedelta(days=3)) is None
    assert find_repeat(category, fixed.geom, fixed.resolved_at + timedelta(days=1)) == fixed


def test_another_category_at_the_same_place_is_not_a_repeat(wards, actors, fixed):
    lon, lat = inside(wards[0])
    assert _report(actors["other_resident"], lon, lat, "ngap-nuoc").repeat_of is None


def test_an_open_item_nearby_is_not_repeated(wards, actors, item):
    lon, lat = inside(wards[0])
    assert _report(actors["other_resident"], lon, lat).repeat_of is None


def test_the_most_recent_resolution_is_chosen(wards, actors, fixed):
    lon, lat = _east(*inside(wards[0]), 10)
    second = _report(actors["other_resident"], lon, lat)
    transition(actors["ward_staff"], second.tracking_code, Status.ACCEPTED)
    transition(actors["ward_staff"], second.tracking_code, Status.RESOLVED)
    assert find_repeat(fixed.category, Point(lon, lat, srid=4326), timezone.now()).pk == second.pk


def test_staff_see_the_link_and_filter_repeats_the_public_does_not(
    client, wards, actors, people, fixed
):
    again = _report(actors["other_resident"], *inside(wards[0]))
    client.force_login(people["ward_staff"])
    assert client.get(f"{ITEMS}{again.tracking_code}/").json()["repeat_of"] == fixed.tracking_code
    listed = client.get(ITEMS, {"repeat": "true"}).json()["results"]
    assert [i["tracking_code"] for i in listed] == [again.tracking_code]
    others = client.get(ITEMS, {"repeat": "false"}).json()["results"]
    assert again.tracking_code not in [i["tracking_code"] for i in others]
    bad = client.get(ITEMS, {"repeat": "yes"})
    assert (bad.status_code, bad.json()["parameter"]) == (400, "repeat")
    client.logout()
    public = client.get(f"/api/v1/feedback/track/{again.tracking_code}/").json()
    assert "repeat_of" not in public
    client.force_login(people["other_resident"])
    assert "repeat_of" not in client.get(f"{ITEMS}{again.tracking_code}/").json()
