"""Listing items through the REST API: who may list what, the filters, and paging with the
REST family's paginator (``page``/``page_size``)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from feedback.models import FeedbackItem
from feedback.params import ItemListParams

from .conftest import inside
from .rest import ITEMS, post, report, submit_as

pytestmark = pytest.mark.django_db


def test_listing_needs_an_account(client):
    response = client.get(ITEMS)
    assert response.status_code == 401
    assert "WWW-Authenticate" in response
    assert response.json()["code"] == "not_authenticated"


def test_residents_list_their_own_items_only(client, wards, people):
    mine = submit_as(client, people["resident"], wards[0])
    submit_as(client, people["other_resident"], wards[0])
    client.force_login(people["resident"])
    body = client.get(ITEMS).json()
    assert body["count"] == 1
    assert [r["tracking_code"] for r in body["results"]] == [mine]


def test_ward_staff_list_their_ward_only_and_get_404_for_another_wards_item(client, wards, people):
    here = submit_as(client, people["resident"], wards[0])
    there = submit_as(client, people["resident"], wards[1])
    client.force_login(people["ward_staff"])
    listed = [r["tracking_code"] for r in client.get(ITEMS).json()["results"]]
    assert listed == [here]
    assert client.get(f"{ITEMS}{here}/").status_code == 200
    refused = client.get(f"{ITEMS}{there}/")
    assert refused.status_code == 404
    assert (
        client.get(f"{ITEMS}HCM-0000-0000/").json()["detail"].replace("HCM-0000-0000", there)
        == refused.json()["detail"]
    )  # the same answer as for a code that does not exist


def test_list_filters(client, wards, people):
    light = submit_as(client, people["resident"], wards[0])
    flood = submit_as(client, people["resident"], wards[1], category="ngap-nuoc")
    client.force_login(people["city_staff"])

    def codes(query: str) -> set[str]:
        response = client.get(f"{ITEMS}?{query}")
        assert response.status_code == 200, response.content
        return {r["tracking_code"] for r in response.json()["results"]}

    assert codes("category=ngap-nuoc") == {flood}
    assert codes(f"ward={wards[0].code}") == {light}
    assert codes(f"ward={wards[0].code},{wards[1].code}") == {light, flood}
    assert codes("status=received") == {light, flood}
    assert codes("status=closed") == set()
    lon, lat = inside(wards[0])
    assert codes(f"bbox={lon - 1e-4},{lat - 1e-4},{lon + 1e-4},{lat + 1e-4}") == {light}
    today = timezone.localdate()
    assert codes(f"created_after={today}") == {light, flood}
    assert codes(f"created_before={today - timedelta(days=1)}") == set()
    assert codes("overdue=true") == set()
    FeedbackItem.objects.filter(tracking_code=flood).update(
        deadline_at=timezone.now() - timedelta(hours=1)
    )
    assert codes("overdue=true") == {flood}
    assert codes("overdue=false") == {light}


def test_created_before_a_day_includes_that_whole_day(client, wards, people):
    code = submit_as(client, people["resident"], wards[0])
    client.force_login(people["city_staff"])
    today = timezone.localdate()
    listed = client.get(ITEMS, {"created_before": str(today)}).json()["results"]
    assert [r["tracking_code"] for r in listed] == [code]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("status=open", "status"),
        ("created_after=yesterday", "created_after"),
        ("bbox=1,2,3", "bbox"),
        ("overdue=maybe", "overdue"),
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=first", "page"),
        ("page_size=0", "page_size"),
        ("page_size=1001", "page_size"),  # over the maximum: refused, no longer capped
    ],
)
def test_bad_list_parameters_are_named(client, people, query, parameter):
    client.force_login(people["city_staff"])
    response = client.get(f"{ITEMS}?{query}")
    assert response.status_code == 400
    assert response.json()["parameter"] == parameter


def test_list_pages_with_next_and_previous_links(client, wards, people):
    for _ in range(3):
        submit_as(client, people["resident"], wards[0])
    client.force_login(people["admin"])
    first = client.get(f"{ITEMS}?page_size=2").json()
    assert first["count"] == 3 and len(first["results"]) == 2
    assert first["previous"] is None
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None
    assert client.get(second["previous"]).json()["results"] == first["results"]
    seen = {r["tracking_code"] for r in first["results"] + second["results"]}
    assert len(seen) == 3


def test_a_page_past_the_last_is_404_naming_page(client, wards, people):
    submit_as(client, people["resident"], wards[0])
    client.force_login(people["admin"])
    response = client.get(ITEMS, {"page": "2"})
    assert response.status_code == 404
    assert response.json()["parameter"] == "page"
    assert response.json()["detail"] == "Page 2 is past the last page, 1."


def test_an_empty_list_is_one_empty_page(client, people):
    client.force_login(people["admin"])
    body = client.get(ITEMS).json()
    assert body == {"count": 0, "next": None, "previous": None, "results": []}


def test_a_too_large_page_size_is_refused_with_the_range(client, people, settings):
    settings.COMMONMAP = {**settings.COMMONMAP, "PAGE_SIZE_MAX": 20}
    client.force_login(people["admin"])
    response = client.get(ITEMS, {"page_size": "21"})
    assert response.status_code == 400
    assert response.json()["parameter"] == "page_size"
    assert response.json()["detail"] == "'page_size' must be a whole number from 1 to 20, got '21'."


def test_a_list_page_costs_the_same_queries_for_3_items_as_for_1(client, wards, people):
    client.force_login(people["resident"])
    post(client, report(wards[0]))
    client.force_login(people["admin"])
    with CaptureQueriesContext(connection) as one:
        assert client.get(ITEMS).json()["count"] == 1
    client.force_login(people["resident"])
    post(client, report(wards[0]))
    post(client, report(wards[1]))
    client.force_login(people["admin"])
    with CaptureQueriesContext(connection) as three:
        assert client.get(ITEMS).json()["count"] == 3
    assert len(three) == len(one)
    first = FeedbackItem.objects.order_by("id").first().tracking_code
    with CaptureQueriesContext(connection) as open311_one:
        assert len(client.get(f"/open311/v2/requests.json?service_request_id={first}").json()) == 1
    with CaptureQueriesContext(connection) as open311_all:
        assert len(client.get("/open311/v2/requests.json").json()) == 3
    assert len(open311_all) == len(open311_one)


def test_the_documented_list_parameters_are_the_ones_read(client):
    schema = client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/feedback/items/"]["get"]
    documented = {p["name"] for p in operation["parameters"]}
    assert documented == set(ItemListParams().fields) | {"page", "page_size"}
    assert {"limit", "offset"}.isdisjoint(documented)
