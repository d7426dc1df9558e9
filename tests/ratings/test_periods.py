"""Rating periods: calendar months (or quarters) in the city's time zone."""

from datetime import UTC, date, datetime

import pytest

from core.errors import InvalidParameter
from ratings.periods import current_period, parse_period, period_of


def test_a_month_runs_from_its_first_to_its_last_day():
    period = period_of(date(2028, 2, 14), "month")
    assert (period.start, period.end, period.label) == (
        date(2028, 2, 1),
        date(2028, 2, 29),
        "2028-02",
    )


def test_a_quarter_runs_three_months():
    period = period_of(date(2026, 11, 30), "quarter")
    assert (period.start, period.end, period.label) == (
        date(2026, 10, 1),
        date(2026, 12, 31),
        "2026-Q4",
    )


def test_the_period_turns_at_the_citys_midnight_not_utcs():
    # 17:30 UTC on 30 November is 00:30 on 1 December in Ho Chi Minh City (UTC+7).
    assert current_period(datetime(2026, 11, 30, 17, 30, tzinfo=UTC)).label == "2026-12"
    assert current_period(datetime(2026, 11, 30, 16, 59, tzinfo=UTC)).label == "2026-11"


def test_a_month_names_the_quarter_holding_it_when_periods_are_quarters(settings):
    settings.COMMONMAP = {**settings.COMMONMAP, "RATING_PERIOD": "quarter"}
    assert parse_period("2026-11").label == "2026-Q4"
    assert parse_period("2026-Q2").start == date(2026, 4, 1)


def test_an_impossible_month_is_refused():
    with pytest.raises(InvalidParameter) as refused:
        parse_period("2026-00")
    assert refused.value.parameter == "period"
