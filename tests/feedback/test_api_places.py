"""Hotline intake by a place name through the REST API, and the place search endpoint."""

import pytest
from django.db import connection

from feedback.models import FeedbackItem
from layers.models import Facility
from layers.names import search_form

from .rest import post

pytestmark = pytest.mark.django_db


def _unique_facility():
    """A facility whose name no other facility or area contains (found in SQL)."""
    return (
        Facility.objects.extra(
            where=[
                "NOT EXISTS (SELECT 1 FROM layers_facility o WHERE o.id <> layers_facility.id "
                "AND o.name_search LIKE '%%' || layers_facility.name_search || '%%')",
                "NOT EXISTS (SELECT 1 FROM layers_administrativearea a "
                "WHERE a.name_search LIKE '%%' || layers_facility.name_search || '%%')",
                "ward_id IS NOT NULL",
            ]
        )
        .order_by("id")
        .first()
    )


def test_hotline_intake_by_a_place_name_without_diacritics(client, people):
    facility = _unique_facility()
    client.force_login(people["operator"])
    body = {
        "category": "rac-thai",
        "description": "Rác đổ trước cổng",
        "address": search_form(facility.name).upper(),
        "reporter_phone": "0901234567",
    }
    response = post(client, body)
    assert response.status_code == 201, response.content
    item = FeedbackItem.objects.get(tracking_code=response.json()["tracking_code"])
    assert item.ward_id == facility.ward_id
    assert item.geom.distance(facility.geom) < 1e-9
    assert item.address_text == search_form(facility.name).upper()
    assert item.channel == "hotline"


def test_an_ambiguous_place_is_shown_to_the_operator_not_guessed(client, people):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM layers_facility GROUP BY name "
            "HAVING count(DISTINCT ward_id) > 1 ORDER BY name LIMIT 1"
        )
        (name,) = cursor.fetchone()
    client.force_login(people["operator"])
    body = {"category": "rac-thai", "description": "Rác", "address": name}
    response = post(client, body)
    assert response.status_code == 400
    error = response.json()
    assert error["code"] == "ambiguous_address" and error["parameter"] == "address"
    wards = {c["ward_code"] for c in error["candidates"]}
    assert len(wards) > 1
    assert all({"lon", "lat", "label", "ward_name"} <= c.keys() for c in error["candidates"])
    assert not FeedbackItem.objects.exists()
    # The operator picks one candidate and sends its point.
    chosen = error["candidates"][0]
    picked = post(client, {**body, "location": {"lon": chosen["lon"], "lat": chosen["lat"]}})
    assert picked.status_code == 201
    assert picked.json()["ward"]["code"] == chosen["ward_code"]


def test_an_unknown_place_is_refused_with_a_hint(client, people):
    client.force_login(people["operator"])
    body = {"category": "rac-thai", "description": "Rác", "address": "Zzyzx Quốc Tế"}
    response = post(client, body)
    assert response.status_code == 400
    assert response.json()["code"] == "address_not_found"
    assert response.json()["hint"]
    assert not FeedbackItem.objects.exists()


def test_the_place_search_endpoint(client):
    facility = _unique_facility()
    found = client.get("/api/v1/feedback/places/", {"q": facility.name}).json()
    assert found["status"] == "found"
    assert found["candidates"][0]["name"] == facility.name
    blank = client.get("/api/v1/feedback/places/?q=")
    assert blank.status_code == 400 and blank.json()["parameter"] == "q"
