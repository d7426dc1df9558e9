"""A resident rates a ward: once per ward and period, sending again changes it (history
kept), the ward by its code or by a point (the one point-to-ward rule)."""

from datetime import datetime, time, timedelta

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from layers.wards import resolve_ward
from ratings.models import CommentStatus, RatingAspect, WardRating, WardRatingVersion
from ratings.params import RatingInput
from ratings.services import rate_ward
from tests.ratings.conftest import BORDER_POINT, EAST, INSIDE, MIDDLE, RATINGS, WEST
from tests.residents.helpers import bearer_headers, service_headers, service_resident_key_of

pytestmark = pytest.mark.django_db


def _rate(client, body: dict, resident: str = "resident-1"):
    return client.post(RATINGS, body, content_type="application/json", **service_headers(resident))


def test_a_first_rating_is_created(client, world, periods):
    response = _rate(client, {"ward": WEST, "overall": 4, "aspects": {"safety": 5}})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["ward"] == {"code": WEST, "name": "Phường Tây"}
    assert body["period"]["label"] == periods["current"].label
    assert (body["overall"], body["aspects"], body["comment"]) == (4, {"safety": 5}, "")
    rating = WardRating.objects.get()
    assert rating.resident_key == service_resident_key_of("resident-1")
    assert rating.period_start == periods["current"].start


def test_the_answer_never_shows_the_residents_key(client, world):
    response = _rate(client, {"ward": WEST, "overall": 4})
    assert service_resident_key_of("resident-1") not in response.content.decode()
    assert "resident" not in response.json()


def test_sending_again_changes_the_rating_and_keeps_the_earlier_one(client, world):
    _rate(client, {"ward": WEST, "overall": 2, "comment": "Chậm"})
    response = _rate(client, {"ward": WEST, "overall": 4, "comment": "Đã nhanh hơn"})
    assert response.status_code == 200
    assert response.json()["overall"] == 4
    rating = WardRating.objects.get()
    assert (rating.overall, rating.comment) == (4, "Đã nhanh hơn")
    (earlier,) = WardRatingVersion.objects.filter(rating=rating)
    assert (earlier.overall, earlier.comment) == (2, "Chậm")


def test_the_same_rating_again_changes_nothing(client, world):
    body = {"ward": WEST, "overall": 3, "aspects": {"speed": 2}, "comment": "Tạm"}
    first = _rate(client, body)
    again = _rate(client, body)
    assert again.status_code == 200
    assert again.json() == first.json()
    assert WardRating.objects.count() == 1
    assert not WardRatingVersion.objects.exists()


def test_a_changed_comment_waits_for_moderation_again(client, world):
    _rate(client, {"ward": WEST, "overall": 3, "comment": "Tốt"})
    WardRating.objects.update(comment_status=CommentStatus.APPROVED)
    _rate(client, {"ward": WEST, "overall": 5, "comment": "Tốt"})  # same comment: stays
    assert WardRating.objects.get().comment_status == CommentStatus.APPROVED
    response = _rate(client, {"ward": WEST, "overall": 5, "comment": "Rất tốt"})
    assert response.json()["comment_status"] == "pending"


def test_each_resident_and_each_ward_has_its_own_rating(client, world):
    assert _rate(client, {"ward": WEST, "overall": 3}, "a").status_code == 201
    assert _rate(client, {"ward": WEST, "overall": 3}, "b").status_code == 201
    assert _rate(client, {"ward": EAST, "overall": 3}, "a").status_code == 201
    assert WardRating.objects.count() == 3


def test_a_bearer_resident_rates_too(client, world):
    response = client.post(
        RATINGS,
        {"ward": MIDDLE, "overall": 5},
        content_type="application/json",
        **bearer_headers("subject-7"),
    )
    assert response.status_code == 201, response.content


def test_the_ward_comes_from_the_point(client, world):
    lon, lat = INSIDE[EAST]
    response = _rate(client, {"lon": lon, "lat": lat, "overall": 4})
    assert response.status_code == 201
    assert response.json()["ward"]["code"] == EAST


def test_a_point_on_a_shared_border_gets_the_one_rules_ward(client, world, periods):
    lon, lat = BORDER_POINT
    expected = resolve_ward(Point(lon, lat, srid=4326), on=periods["current"].start)
    assert expected.code == WEST  # the rule: on a shared border the lower code
    assert _rate(client, {"lon": lon, "lat": lat, "overall": 4}).json()["ward"]["code"] == WEST
    assert WardRating.objects.get().ward == expected


def test_every_change_keeps_the_version_it_replaces(world):
    key = "resident-key"
    for overall in (1, 2, 3):
        rate_ward(key, RatingInput(overall=overall, ward_code=WEST))
    rating = WardRating.objects.get()
    assert rating.overall == 3
    assert [v.overall for v in rating.history.all()] == [1, 2]


def test_a_new_period_takes_a_new_rating(world, periods):
    key = "resident-key"
    rate_ward(key, RatingInput(overall=2, ward_code=WEST))
    next_start = periods["current"].end + timedelta(days=1)
    next_noon = timezone.make_aware(datetime.combine(next_start, time(12)))
    rating, created = rate_ward(key, RatingInput(overall=5, ward_code=WEST), now=next_noon)
    assert created and rating.period_start == next_start
    assert sorted(WardRating.objects.values_list("overall", flat=True)) == [2, 5]
    assert not WardRatingVersion.objects.exists()


def test_the_aspects_are_listed_in_the_asked_language(client, vi_client, world):
    RatingAspect.objects.filter(code="speed").update(active=False)
    english = client.get("/api/v1/ratings/aspects/").json()
    assert [a["code"] for a in english] == ["attitude", "cleanliness", "safety", "public_order"]
    assert english[0] == {
        "code": "attitude",
        "name": "Attitude of officials",
        "name_vi": "Thái độ của cán bộ",
        "name_en": "Attitude of officials",
    }
    assert vi_client.get("/api/v1/ratings/aspects/").json()[0]["name"] == "Thái độ của cán bộ"
