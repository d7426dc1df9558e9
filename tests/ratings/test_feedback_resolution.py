"""Beside the ward ratings, not mixed: residents' ratings of feedback resolved in the ward in
the period (by ``resolved_at``, in the city's time zone); an item routed to a ward of the
earlier boundaries counts in the ward its point is in now."""

from datetime import datetime, time, timedelta
from itertools import count

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from feedback.models import FeedbackCategory, FeedbackItem
from layers.models import AdministrativeArea
from ratings.queries import ward_satisfaction
from tests.ratings.conftest import EAST, INSIDE, MIDDLE, WEST, file_ratings

pytestmark = pytest.mark.django_db

_codes = count(1)


def _item(ward: AdministrativeArea, point: tuple, resolved_at: datetime, rating: int | None):
    return FeedbackItem.objects.create(
        tracking_code=f"TEST{next(_codes):06d}",
        category=FeedbackCategory.objects.first(),
        description="Đèn đường hỏng",
        channel="app",
        geom=Point(*point, srid=4326),
        ward=ward,
        status="resolved",
        deadline_at=resolved_at,
        resolved_at=resolved_at,
        rating=rating,
    )


def _moment(day, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _wards(period) -> dict:
    return {w["code"]: w for w in ward_satisfaction(period)["wards"]}


def test_resolution_ratings_are_reported_apart_from_ward_ratings(world, periods):
    past = periods["past"]
    file_ratings(world[WEST], past, [1, 1])
    _item(world[WEST], INSIDE[WEST], _moment(past.start), 5)
    _item(world[WEST], INSIDE[WEST], _moment(past.end), 4)
    _item(world[WEST], INSIDE[WEST], _moment(past.end), None)  # not rated
    west = _wards(past)[WEST]
    assert west["feedback_resolution"] == {"count": 2, "mean": 4.5}
    assert (west["count"], west["mean"]) == (2, 1.0)  # the ward ratings, unmixed


def test_the_period_edges_are_the_citys_midnights(world, periods):
    past = periods["past"]
    _item(world[MIDDLE], INSIDE[MIDDLE], _moment(past.start, 0), 2)  # first moment: in
    after = _moment(past.end + timedelta(days=1), 0)  # the next period's first moment: out
    _item(world[MIDDLE], INSIDE[MIDDLE], after, 5)
    assert _wards(past)[MIDDLE]["feedback_resolution"] == {"count": 1, "mean": 2.0}


def test_an_item_of_the_earlier_boundaries_counts_in_the_ward_of_its_point(world, periods):
    past = periods["past"]
    old_ward = AdministrativeArea.objects.filter(level="ward").exclude(
        generation=world[WEST].generation
    )[0]
    _item(old_ward, INSIDE[EAST], _moment(past.start), 3)
    wards = _wards(past)
    assert wards[EAST]["feedback_resolution"] == {"count": 1, "mean": 3.0}
    assert wards[WEST]["feedback_resolution"] == {"count": 0, "mean": None}
