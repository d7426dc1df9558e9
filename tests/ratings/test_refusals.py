"""Every refusal of a rating: the exact status and message, and the parameter it names."""

import pytest

from layers.models import AdministrativeArea
from ratings.models import RatingAspect, WardRating
from tests.ratings.conftest import RATINGS, SEA, WEST
from tests.residents.helpers import service_headers

pytestmark = pytest.mark.django_db


def _refusal(client, body, status: int = 400, **headers) -> dict:
    headers = headers or service_headers("resident-1")
    response = client.post(RATINGS, body, content_type="application/json", **headers)
    assert response.status_code == status, response.content
    assert not WardRating.objects.exists()
    return response.json()


def _invalid(detail: str, parameter: str) -> dict:
    return {"detail": detail, "code": "invalid_parameter", "parameter": parameter}


def test_without_a_resident_is_a_401(client, world):
    response = client.post(RATINGS, {"ward": WEST, "overall": 4}, content_type="application/json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert not WardRating.objects.exists()


def test_a_ward_not_in_the_periods_boundaries(client, world, periods):
    # A ward of the demo city, whose boundaries ended before this period.
    old = AdministrativeArea.objects.filter(level="ward").exclude(generation=world[WEST].generation)
    code = old.values_list("code", flat=True).first()
    body = _refusal(client, {"ward": code, "overall": 4})
    assert body == _invalid(
        f"There is no ward '{code}' in the boundaries of period {periods['current'].label}.",
        "ward",
    )


def test_a_point_outside_every_ward(client, world, periods):
    lon, lat = SEA
    body = _refusal(client, {"lon": lon, "lat": lat, "overall": 4})
    assert body == _invalid(
        f"The point {lon}, {lat} is in no ward of period {periods['current'].label}.", "lon"
    )


def test_neither_ward_nor_point(client, world):
    assert _refusal(client, {"overall": 4}) == _invalid(
        "Missing required parameter 'ward': give a ward code, or 'lon' and 'lat'.", "ward"
    )


def test_both_ward_and_point(client, world):
    assert _refusal(client, {"ward": WEST, "lon": 106.61, "lat": 10.61, "overall": 4}) == (
        _invalid("Give either 'ward' (a ward code) or 'lon' and 'lat', not both.", "ward")
    )


def test_a_point_without_its_latitude(client, world):
    assert _refusal(client, {"lon": 106.61, "overall": 4}) == _invalid(
        "Missing required parameter 'lat'.", "lat"
    )


def test_a_missing_overall(client, world):
    assert _refusal(client, {"ward": WEST}) == _invalid(
        "Missing required parameter 'overall'.", "overall"
    )


@pytest.mark.parametrize("raw", [0, 6, 4.5, True, "five", -1])
def test_an_overall_out_of_range(client, world, raw):
    assert _refusal(client, {"ward": WEST, "overall": raw}) == _invalid(
        f"'overall' must be a whole number from 1 to 5, got {raw!r}.", "overall"
    )


def test_an_unknown_aspect(client, world):
    body = _refusal(client, {"ward": WEST, "overall": 4, "aspects": {"parking": 3}})
    assert body == _invalid(
        "Unknown aspect 'parking'; the aspects are attitude, cleanliness, public_order, "
        "safety, speed.",
        "aspects.parking",
    )


def test_a_retired_aspect(client, world):
    RatingAspect.objects.filter(code="speed").update(active=False)
    body = _refusal(client, {"ward": WEST, "overall": 4, "aspects": {"speed": 3}})
    assert body["parameter"] == "aspects.speed"


def test_an_aspect_value_out_of_range(client, world):
    assert _refusal(client, {"ward": WEST, "overall": 4, "aspects": {"safety": 9}}) == (
        _invalid("'aspects.safety' must be a whole number from 1 to 5, got 9.", "aspects.safety")
    )


def test_aspects_that_are_not_an_object(client, world):
    assert _refusal(client, {"ward": WEST, "overall": 4, "aspects": [5]}) == _invalid(
        "'aspects' must be an object of aspect codes and scores from 1 to 5.", "aspects"
    )


def test_a_comment_too_long(client, world):
    assert _refusal(client, {"ward": WEST, "overall": 4, "comment": "x" * 501}) == _invalid(
        "'comment' is 501 characters long; at most 500 are allowed.", "comment"
    )


def test_a_comment_that_is_not_text(client, world):
    assert _refusal(client, {"ward": WEST, "overall": 4, "comment": 5}) == _invalid(
        "'comment' must be text.", "comment"
    )


def test_a_body_that_is_not_an_object(client, world):
    assert _refusal(client, [1, 2]) == _invalid(
        "The request body must be a JSON object, not list.", "body"
    )


def test_a_form_body_is_not_read(client, world):
    response = client.post(RATINGS, {"ward": WEST, "overall": 4}, **service_headers("r"))
    assert response.status_code == 415
