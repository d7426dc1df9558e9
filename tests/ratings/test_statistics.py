"""Satisfaction per ward, every number computed by hand on a small data set.

Past period, minimum sample 3: West 5,4,4,3; Middle 5,5,5; East 1,2 (under the sample).
City: 34 over 9 ratings, mean 3.777…; score = (3 · city mean + sum) / (3 + count).
"""

import math

import pytest

from ratings.periods import period_of
from ratings.queries import ward_satisfaction
from ratings.statistics import t_quantile_975
from tests.ratings.conftest import EAST, MIDDLE, WARDS, WEST, file_ratings

pytestmark = pytest.mark.django_db

CITY_MEAN = 34 / 9


@pytest.fixture
def rated(world, periods, min_sample):
    min_sample(3)
    past = periods["past"]
    file_ratings(world[WEST], past, [5, 4, 4, 3])
    file_ratings(world[MIDDLE], past, [5, 5, 5])
    file_ratings(world[EAST], past, [1, 2])
    return past


def _by_code(answer: dict) -> dict:
    return {ward["code"]: ward for ward in answer["wards"]}


def test_count_mean_and_distribution(rated):
    west = _by_code(ward_satisfaction(rated))[WEST]
    assert west["count"] == 4
    assert west["mean"] == 4.0
    assert west["distribution"] == {"1": 0, "2": 0, "3": 1, "4": 2, "5": 1}


def test_confidence_interval_is_students_t_clamped_to_the_scale(rated):
    wards = _by_code(ward_satisfaction(rated))
    half = 3.1824 * math.sqrt(2 / 3) / 2  # t(0.975, 3) · sd / √n, sd² = (1 + 0 + 0 + 1) / 3
    assert wards[WEST]["ci95"] == {"low": pytest.approx(4 - half, abs=1e-4), "high": 5.0}
    assert wards[MIDDLE]["ci95"] == {"low": 5.0, "high": 5.0}  # no spread
    assert wards[EAST]["ci95"] == {"low": 1.0, "high": 5.0}  # 1.5 ± 6.35, clamped


def test_a_single_rating_has_no_interval(world, periods):
    file_ratings(world[WEST], periods["past"], [4])
    assert _by_code(ward_satisfaction(periods["past"]))[WEST]["ci95"] is None


def test_score_is_shrunk_towards_the_city_mean(rated):
    answer = ward_satisfaction(rated)
    wards = _by_code(answer)
    assert answer["city"] == {"count": 9, "mean": pytest.approx(CITY_MEAN, abs=1e-4)}
    assert wards[WEST]["score"] == pytest.approx((3 * CITY_MEAN + 16) / 7, abs=1e-4)
    assert wards[MIDDLE]["score"] == pytest.approx((3 * CITY_MEAN + 15) / 6, abs=1e-4)


def test_wards_under_the_minimum_sample_are_neither_scored_nor_ranked(rated):
    east = _by_code(ward_satisfaction(rated))[EAST]
    assert east["enough"] is False
    assert east["score"] is None
    assert east["rank"] is None
    assert east["mean"] == 1.5  # still reported


def test_ranked_wards_come_first_in_rank_order(rated):
    answer = ward_satisfaction(rated)
    assert [(w["code"], w["rank"]) for w in answer["wards"]] == [
        (MIDDLE, 1),
        (WEST, 2),
        (EAST, None),
    ]


def test_many_ratings_outrank_a_slightly_higher_mean_on_few(world, periods, min_sample):
    min_sample(30)
    past = periods["past"]
    file_ratings(world[WEST], past, [5] * 18 + [4] * 12)  # 30, mean 4.6
    file_ratings(world[MIDDLE], past, [5] * 165 + [4] * 135)  # 300, mean 4.55
    file_ratings(world[EAST], past, [1] * 30)
    city = (138 + 1365 + 30) / 360
    wards = _by_code(ward_satisfaction(past))
    assert wards[WEST]["score"] == pytest.approx((30 * city + 138) / 60, abs=1e-4)
    assert wards[MIDDLE]["score"] == pytest.approx((30 * city + 1365) / 330, abs=1e-4)
    assert (wards[MIDDLE]["rank"], wards[WEST]["rank"], wards[EAST]["rank"]) == (1, 2, 3)


def test_three_ratings_are_never_ranked_by_default(world, periods):
    past = periods["past"]
    file_ratings(world[WEST], past, [5, 5, 5])
    file_ratings(world[MIDDLE], past, [4] * 30)
    wards = _by_code(ward_satisfaction(past))
    assert wards[WEST]["rank"] is None and wards[WEST]["enough"] is False
    assert wards[MIDDLE]["rank"] == 1


def test_a_period_with_no_data_lists_every_ward_empty(rated, periods):
    answer = ward_satisfaction(periods["current"])
    assert answer["city"] == {"count": 0, "mean": None}
    assert sorted(w["code"] for w in answer["wards"]) == [WEST, MIDDLE, EAST]
    for ward in answer["wards"]:
        assert ward["count"] == 0
        assert ward["mean"] is None and ward["score"] is None and ward["rank"] is None
        assert ward["distribution"] == {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0}


def test_ratings_of_another_period_are_left_out(rated, world, periods):
    file_ratings(world[WEST], periods["first"], [1, 1], prefix="earlier")
    assert _by_code(ward_satisfaction(rated))[WEST]["count"] == 4


def test_aspects_are_averaged_per_ward(world, periods):
    past = periods["past"]
    file_ratings(world[WEST], past, [4], prefix="a", aspects={"safety": 2, "speed": 5})
    file_ratings(world[WEST], past, [3], prefix="b", aspects={"safety": 3})
    aspects = _by_code(ward_satisfaction(past))[WEST]["aspects"]
    assert aspects == {"safety": {"count": 2, "mean": 2.5}, "speed": {"count": 1, "mean": 5.0}}


def test_t_quantile_beyond_the_table_follows_the_expansion():
    assert t_quantile_975(30) == 2.0423
    assert t_quantile_975(31) == pytest.approx(2.0395, abs=1e-4)
    assert t_quantile_975(120) == pytest.approx(1.9799, abs=1e-4)


def test_the_api_answers_the_same_for_the_period_asked(client, rated):
    body = client.get(WARDS, {"period": rated.label}).json()
    assert body["period"] == {
        "label": rated.label,
        "start": rated.start.isoformat(),
        "end": rated.end.isoformat(),
    }
    assert body["min_sample"] == 3
    assert _by_code(body)[MIDDLE]["rank"] == 1


def test_a_period_before_any_boundaries_has_no_wards(client, world):
    body = client.get(WARDS, {"period": "1900-01"}).json()
    assert body["generation"] is None
    assert body["wards"] == []


@pytest.mark.parametrize("raw", ["2026-13", "2026", "26-01", "2026-Q5", "2026-1"])
def test_a_malformed_period_is_refused(client, raw):
    response = client.get(WARDS, {"period": raw})
    assert response.status_code == 400
    assert response.json() == {
        "detail": f"'period' must be a month (YYYY-MM) or a quarter (YYYY-Qn), got '{raw}'.",
        "code": "invalid_parameter",
        "parameter": "period",
    }


def test_the_quarter_setting_groups_three_months(settings, world, periods):
    settings.COMMONMAP = {**settings.COMMONMAP, "RATING_PERIOD": "quarter"}
    quarter = period_of(periods["past"].start)
    assert quarter.label.endswith(f"Q{(quarter.start.month + 2) // 3}")
    assert (quarter.end.month - quarter.start.month) == 2
