"""The staff list's order: newest first by default, or the soonest deadline first
(``sort=deadline``, for the workspace's queue), through the queries and the REST API."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import InvalidParameter
from feedback.intake import Submission, submit
from feedback.models import FeedbackItem
from feedback.params import parse_item_filters
from feedback.queries import ItemFilters, items_for

from .conftest import inside

pytestmark = pytest.mark.django_db


def _report(ward, actor, text: str) -> FeedbackItem:
    lon, lat = inside(ward)
    return submit(Submission("den-duong", text, "app", lon=lon, lat=lat), actor)


@pytest.fixture
def three(wards, actors):
    """Three items: the newest has the latest deadline, the second the earliest."""
    first, second, third = (_report(wards[0], actors["resident"], f"Đèn {n}") for n in (1, 2, 3))
    now = timezone.now()
    FeedbackItem.objects.filter(pk=first.pk).update(deadline_at=now + timedelta(days=1))
    FeedbackItem.objects.filter(pk=second.pk).update(deadline_at=now + timedelta(hours=2))
    FeedbackItem.objects.filter(pk=third.pk).update(deadline_at=now + timedelta(days=5))
    return first, second, third


def _codes(items) -> list[str]:
    return [item.tracking_code for item in items]


def test_sort_by_deadline_puts_the_soonest_first(three, actors):
    first, second, third = three
    sorted_items = items_for(actors["city_staff"], ItemFilters(sort="deadline"))
    assert _codes(sorted_items) == [second.tracking_code, first.tracking_code, third.tracking_code]
    newest = items_for(actors["city_staff"], ItemFilters())
    assert _codes(newest) == [third.tracking_code, second.tracking_code, first.tracking_code]


def test_sort_parameter_is_read_and_an_unknown_one_refused():
    assert parse_item_filters({"sort": "deadline"}) == ItemFilters(sort="deadline")
    assert parse_item_filters({"sort": ""}) == ItemFilters()
    with pytest.raises(InvalidParameter) as refused:
        parse_item_filters({"sort": "ward"})
    assert refused.value.parameter == "sort"


def test_the_rest_list_sorts_by_deadline(client, three, people):
    first, second, third = three
    client.force_login(people["city_staff"])
    body = client.get("/api/v1/feedback/items/", {"sort": "deadline"}).json()
    codes = [item["tracking_code"] for item in body["results"]]
    assert codes == [second.tracking_code, first.tracking_code, third.tracking_code]
    refused = client.get("/api/v1/feedback/items/", {"sort": "ward"})
    assert refused.status_code == 400
    assert refused.json()["parameter"] == "sort"
