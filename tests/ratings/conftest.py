"""Ratings fixtures: a small city of three square wards in a row (West, Middle, East),
whose boundary generation is in force from two periods ago (the demo's current generation
ends the day before), and helpers to file ratings directly."""

from datetime import timedelta

import pytest
from django.contrib.gis.geos import Polygon

from layers import boundaries
from layers.boundaries import AreaInput
from layers.models import AdministrativeArea, BoundaryGeneration
from ratings.models import WardRating
from ratings.periods import Period, current_period, period_of

RATINGS = "/api/v1/ratings/"
WARDS = "/api/v1/ratings/wards/"
WEST, MIDDLE, EAST = "91001", "91002", "91003"
# West and Middle share the meridian 106.62; Middle and East 106.64.
BORDER_POINT = (106.62, 10.61)
INSIDE = {WEST: (106.61, 10.61), MIDDLE: (106.63, 10.61), EAST: (106.65, 10.61)}
SEA = (107.6, 9.6)  # in no ward


def _area(code: str, name: str, level: str, box: tuple, parent: str | None) -> AreaInput:
    polygon = Polygon.from_bbox(box)
    return AreaInput(
        code=code,
        name=name,
        area_type="thanh_pho" if level == "province" else "phuong",
        level=level,
        parent_code=parent,
        geom=polygon,
        label_point=polygon.centroid,
    )


@pytest.fixture
def periods() -> dict[str, Period]:
    """The current period, the one before it, and the one before that (the world's first)."""
    current = current_period()
    past = period_of(current.start - timedelta(days=1))
    first = period_of(past.start - timedelta(days=1))
    return {"current": current, "past": past, "first": first}


@pytest.fixture
def world(periods) -> dict[str, AdministrativeArea]:
    """Three wards in force from the first period on: code → ward."""
    start = periods["first"].start
    BoundaryGeneration.objects.filter(valid_to__isnull=True).update(
        valid_to=start - timedelta(days=1)
    )
    generation, _changed = boundaries.upsert_generation(
        "thu-danh-gia", name="Thử đánh giá", valid_from=start, valid_to=None
    )
    boundaries.store_areas(
        generation,
        [
            _area("91", "Thành phố Thử", "province", (106.60, 10.60, 106.66, 10.62), None),
            _area(WEST, "Phường Tây", "ward", (106.60, 10.60, 106.62, 10.62), "91"),
            _area(MIDDLE, "Phường Giữa", "ward", (106.62, 10.60, 106.64, 10.62), "91"),
            _area(EAST, "Phường Đông", "ward", (106.64, 10.60, 106.66, 10.62), "91"),
        ],
    )
    return {a.code: a for a in AdministrativeArea.objects.filter(generation=generation)}


def file_ratings(
    ward: AdministrativeArea, period: Period, scores: list[int], prefix: str = "r", **fields
) -> list[WardRating]:
    """One rating per score, each by a resident of its own."""
    return WardRating.objects.bulk_create(
        WardRating(
            resident_key=f"{prefix}-{ward.code}-{number}",
            ward=ward,
            period_start=period.start,
            overall=score,
            **fields,
        )
        for number, score in enumerate(scores)
    )


@pytest.fixture
def min_sample(settings):
    """Set the minimum sample for a test: ``min_sample(3)``."""

    def set_to(value: int) -> None:
        settings.COMMONMAP = {**settings.COMMONMAP, "RATING_MIN_SAMPLE": value}

    return set_to
