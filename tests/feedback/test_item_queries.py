"""The feedback reads called directly (``feedback.queries``) and the parameters that feed
them (``feedback.params``): each role's scope, the list's filters, photos, the public item,
and Open311's requests."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import InvalidParameter, NotFound
from feedback.intake import Submission, submit
from feedback.models import FeedbackItem, FeedbackPhoto, Status
from feedback.params import parse_instant, parse_item_filters
from feedback.queries import (
    ItemFilters,
    RequestFilters,
    georeport_request,
    georeport_requests,
    items_for,
    photo_of,
    possible_duplicates,
    public_item,
)
from feedback.workflow import Actor, transition

from .conftest import inside

pytestmark = pytest.mark.django_db


def _report(ward, actor, category: str = "den-duong") -> FeedbackItem:
    lon, lat = inside(ward)
    submission = Submission(category, "Báo cáo", "app", lon=lon, lat=lat)
    return submit(submission, actor)


def _codes(items) -> set[str]:
    return {i.tracking_code for i in items}


def test_each_role_lists_its_own_scope(wards, actors, item):
    there = _report(wards[1], actors["other_resident"])
    assert _codes(items_for(actors["ward_staff"])) == {item.tracking_code}
    assert _codes(items_for(actors["other_ward_staff"])) == {there.tracking_code}
    assert _codes(items_for(actors["resident"])) == {item.tracking_code}
    for everyone in ("city_staff", "leader", "operator", "admin"):
        assert _codes(items_for(actors[everyone])) == {item.tracking_code, there.tracking_code}
    assert not items_for(Actor(None, "resident")).exists()


def test_filters_narrow_the_scope_newest_first(wards, actors, item):
    flood = _report(wards[1], actors["resident"], category="ngap-nuoc")
    city = actors["city_staff"]
    assert [i.tracking_code for i in items_for(city)] == [flood.tracking_code, item.tracking_code]
    assert _codes(items_for(city, ItemFilters(categories=("ngap-nuoc",)))) == {flood.tracking_code}
    assert _codes(items_for(city, ItemFilters(wards=(wards[0].code,)))) == {item.tracking_code}
    assert not items_for(city, ItemFilters(statuses=(Status.CLOSED,))).exists()
    lon, lat = inside(wards[0])
    box = (lon - 1e-4, lat - 1e-4, lon + 1e-4, lat + 1e-4)
    assert _codes(items_for(city, ItemFilters(bbox=box))) == {item.tracking_code}
    tomorrow = timezone.now() + timedelta(days=1)
    assert not items_for(city, ItemFilters(created_after=tomorrow)).exists()


def test_overdue_is_open_past_the_deadline(wards, actors, item):
    late = _report(wards[0], actors["resident"])
    FeedbackItem.objects.filter(pk=late.pk).update(deadline_at=timezone.now() - timedelta(hours=1))
    city = actors["city_staff"]
    assert _codes(items_for(city, ItemFilters(overdue=True))) == {late.tracking_code}
    assert _codes(items_for(city, ItemFilters(overdue=False))) == {item.tracking_code}


def test_list_parameters_become_filters():
    filters = parse_item_filters(
        {"status": "received, accepted", "ward": "", "overdue": "true", "bbox": "1,2,3,4"}
    )
    assert filters == ItemFilters(
        statuses=("received", "accepted"), overdue=True, bbox=(1.0, 2.0, 3.0, 4.0)
    )
    assert parse_item_filters({}) == ItemFilters()


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"status": "received,open"}, "status"),
        ({"overdue": "yes"}, "overdue"),
        ({"created_before": "2025-02-30"}, "created_before"),
        ({"bbox": "1,2,3"}, "bbox"),
    ],
)
def test_bad_list_parameters_name_themselves(params, parameter):
    with pytest.raises(InvalidParameter) as refused:
        parse_item_filters(params)
    assert refused.value.parameter == parameter


def test_a_date_is_its_first_or_last_moment_in_the_city():
    first = parse_instant({"d": "2025-03-01"}, "d", end=False)
    last = parse_instant({"d": "2025-03-01"}, "d", end=True)
    assert (first.hour, last.hour, last.minute) == (0, 23, 59)
    assert timezone.localtime(first).utcoffset() == timedelta(hours=7)
    assert parse_instant({}, "d", end=False) is None


def test_the_public_item_is_found_by_its_code_whatever_its_status(item, actors):
    transition(actors["ward_staff"], item.tracking_code, Status.REJECTED, reason="Trùng")
    assert public_item(item.tracking_code) == item
    with pytest.raises(NotFound):
        public_item("HCM-0000-0000")


def test_photos_of_items_off_the_map_are_for_staff_in_scope_and_the_reporter(item, actors):
    FeedbackPhoto.objects.create(
        item=item,
        position=1,
        data=b"x",
        content_type="image/png",
        width=1,
        height=1,
        size=1,
        sha256="0" * 64,
    )
    stored, public = photo_of(Actor(None, "resident"), item.tracking_code, 1)
    assert (stored.position, public) == (1, True)
    transition(actors["ward_staff"], item.tracking_code, Status.REJECTED, reason="Trùng")
    assert photo_of(actors["resident"], item.tracking_code, 1)[1] is False
    assert photo_of(actors["ward_staff"], item.tracking_code, 1)[1] is False
    for nobody in (Actor(None, "resident"), actors["other_ward_staff"]):
        with pytest.raises(NotFound):
            photo_of(nobody, item.tracking_code, 1)
    with pytest.raises(NotFound):
        photo_of(actors["ward_staff"], item.tracking_code, 2)


def test_possible_duplicates_need_a_known_category(item, wards):
    lon, lat = inside(wards[0])
    assert [d["tracking_code"] for d in possible_duplicates("den-duong", lon, lat)] == [
        item.tracking_code
    ]
    with pytest.raises(InvalidParameter) as refused:
        possible_duplicates("khong-co", lon, lat)
    assert refused.value.parameter == "category"


def test_open311_ids_ignore_the_other_filters(wards, actors, item):
    flood = _report(wards[1], actors["resident"], category="ngap-nuoc")
    by_id = RequestFilters(ids=(item.tracking_code,), service_codes=("ngap-nuoc",))
    assert _codes(georeport_requests(by_id)) == {item.tracking_code}
    assert _codes(georeport_requests(RequestFilters(service_codes=("ngap-nuoc",)))) == {
        flood.tracking_code
    }
    transition(actors["ward_staff"], item.tracking_code, Status.REJECTED, reason="Trùng")
    closed = georeport_requests(RequestFilters(status="closed"))
    assert _codes(closed) == {item.tracking_code}  # rejected: listed, as closed
    assert georeport_request(item.tracking_code) == item
    with pytest.raises(NotFound):
        georeport_request("HCM-0000-0000")
