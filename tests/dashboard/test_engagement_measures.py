"""Ward satisfaction and survey participation, by hand on the small city of conftest.py.

Ratings (ratings app, by rating period): 81001 has 4 and 2 for March 2026 and 5 for
February 2026; 81002 has 1 for April 2026 and none in the first quarter; the old ward 80201
has 5 for March 2025 (before the reform). Answer sets: two in 81001 created in March 2026,
one in 81002 created on 2 April 2026.
"""

from datetime import date

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon

from dashboard.groups import generation_named
from dashboard.measures import MEASURES, compute
from dashboard.periods import parse_period
from dashboard.shapes import as_csv, as_json
from ratings.models import WardRating
from surveys.models import AnswerSet, Survey
from tests.dashboard.conftest import Y, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def engagement(city):
    """The ratings and answer sets of the module docstring."""
    ratings = [
        ("81001", date(2026, 3, 1), 4),
        ("81001", date(2026, 3, 1), 2),
        ("81001", date(2026, 2, 1), 5),
        ("81002", date(2026, 4, 1), 1),
        ("80201", date(2025, 3, 1), 5),
    ]
    for number, (code, start, score) in enumerate(ratings):
        WardRating.objects.create(
            resident_key=f"r{number}", ward=city[code], period_start=start, overall=score
        )
    box = Polygon.from_bbox((106.6, 10.6, 106.64, 10.62))
    survey = Survey.objects.create(
        title_vi="Thử",
        opens_at=at(2026, 3, 1),
        closes_at=at(2026, 5, 1),
        area_kind="wards",
        area_spec={"wards": ["81001", "81002"]},
        area=MultiPolygon(box),
    )
    for number, (code, x, created) in enumerate(
        [
            ("81001", 106.605, at(2026, 3, 5)),
            ("81001", 106.606, at(2026, 3, 31, 23)),
            ("81002", 106.63, at(2026, 4, 2)),
        ]
    ):
        answer = AnswerSet.objects.create(
            survey=survey, resident_key=f"a{number}", point=Point(x, Y), ward=city[code]
        )
        AnswerSet.objects.filter(pk=answer.pk).update(created_at=created)
    return city


def _board(period: str, level: str = "ward", generation: str | None = None):
    return compute(parse_period(period), generation_named(generation), level)


def _values(row) -> tuple:
    return (row.satisfaction_count, row.satisfaction_mean, row.survey_answers)


def _by_code(board) -> dict:
    return {row.code: _values(row) for row in board.rows}


def test_a_month_per_ward_and_the_city(engagement):
    board = _board("2026-03")
    assert _by_code(board) == {"81001": (2, 3.0, 2), "81002": (0, None, 0)}
    assert _values(board.total) == (2, 3.0, 2)


def test_a_quarter_sums_its_months_and_a_ward_without_ratings_is_null(engagement):
    board = _board("2026-Q1")
    assert _by_code(board) == {"81001": (3, 3.67, 2), "81002": (0, None, 0)}  # 11 / 3
    assert _values(board.total) == (3, 3.67, 2)


def test_the_year_rolls_up_to_the_city_by_summing_counts_and_weighting_means(engagement):
    board = _board("2026")
    assert _by_code(board) == {"81001": (3, 3.67, 2), "81002": (1, 1.0, 1)}
    assert _values(board.total) == (4, 3.0, 3)  # 12 / 4, not the mean of the means (2.33)
    city = _board("2026", "city")
    assert [_values(row) for row in city.rows] == [(4, 3.0, 3)]
    assert _values(city.total) == (4, 3.0, 3)
    districts = _board("2026", "district")
    assert _by_code(districts) == {"801": (3, 3.67, 2), "802": (1, 1.0, 1)}


def test_a_period_without_data_has_zero_counts_and_null_means(engagement):
    board = _board("2026-05")
    assert _by_code(board) == {"81001": (0, None, 0), "81002": (0, None, 0)}
    assert _values(board.total) == (0, None, 0)


def test_the_old_generation_places_each_rating_by_its_wards_label_point(engagement):
    march = _board("2026-03", generation="thu-cu")
    assert _by_code(march)["80101"] == (2, 3.0, 2)  # 81001's centre (x 106.6075)
    assert _values(march.total) == _values(_board("2026-03").total)
    former = _board("2025-03", generation="thu-cu")
    assert _by_code(former)["80201"] == (1, 5.0, 0)
    assert _by_code(_board("2025-03"))["81002"] == (1, 5.0, 0)  # 80201's centre is in 81002


def test_leaders_outputs_carry_the_new_measures_and_the_public_does_not(engagement):
    board = _board("2026-03")
    assert {"satisfaction_count", "satisfaction_mean", "survey_answers"} <= set(MEASURES)
    leaders = as_json(board, public=False)
    assert leaders["total"]["satisfaction_mean"] == 3.0
    public = as_json(board, public=True)
    assert "satisfaction_mean" not in public["total"]
    assert "survey_answers" not in public["results"][0]
    header = as_csv(board, False, "x").content.decode().splitlines()[0]
    assert ",satisfaction_count,satisfaction_mean,survey_answers," in f"{header},"
