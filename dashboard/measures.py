"""The leaders' dashboard measures: how each ward resolved residents' feedback in a period.

Per group (ward, former district, former province, city) and period:

- ``received``: items created in the period;
- ``resolved``: items whose (latest) resolution falls in the period;
- ``resolved_on_time`` and ``on_time_pct``: of those, resolved at or before their deadline;
- ``median_hours``, ``p90_hours``: hours from creation to resolution of those (continuous
  percentiles, linear interpolation);
- ``open_now``, ``overdue_now``: items open (received, accepted, in progress) at the
  period's end, and of those past their deadline; **for the current period, now**
  (``as_of`` in the answer says which). Read from the event log: an item's status then is
  its last event's;
- ``reopened``: items a resident or the city reopened (resolved → in progress) in the
  period, from the event log;
- ``ratings``, ``mean_rating``: ratings of resolutions given in the period;
- ``satisfaction_count``, ``satisfaction_mean``: residents' ratings of their ward (the
  ratings app) for the rating periods (months or quarters) that begin in the period, so a
  year sums its months or quarters; the mean is null without ratings;
- ``survey_answers``: survey answer sets created in the period;
- ``confirmed``, ``disputed``: resolutions made in the period that residents (the reporter,
  the reporters of merged items) confirmed, or disputed (a dispute reopens the item), from
  ``feedback_feedbackverification``; a confirmed resolution counts while it still stands,
  one both confirmed and disputed counts as disputed;
- ``verification_rate``: verified resolutions per resolution of the period, in percent:
  (confirmed + disputed) / (resolved + disputed), the disputed ones being resolutions the
  ``resolved`` count no longer holds (null without resolutions);
- ``repeats``: items created in the period that repeat an earlier resolution nearby
  (``repeat_of``), counted where the repeated item is.

Every item counts in the leaf area of the asked generation (today's by default) that holds
its exact point, by the one point-to-ward rule: numbers stay comparable across the 2025
boundary change, and every generation gives the same city total (items outside every ward
are a row of their own, ``code`` null). Ward ratings and answer sets carry their ward
rather than a point: each counts in the leaf area that holds its ward's label point, by the
same rule (its own ward in that ward's generation), so the old generation is served too;
answer sets without a ward are not counted (``sql/engagement.sql``). Verdicts count where
their item is, repeats where the item they repeat is (``sql/verification.sql``). Groups and the city
total sum the counts and weigh the means by them. The exact point is used only inside the
database; no output carries it.

Requests read the pre-aggregated facts (``dashboard.facts``: each item's area resolved
once per generation, its open spans and reopenings from the event log, kept current by
triggers) and what triggers sum from them: per-day flows (received, ratings, first
reopenings per month, quarter and year), per-month resolutions by hours bucket (exact
percentiles: ``dashboard.percentiles``) and per-day open deltas, so a period reads a few
thousand rows, not its items (``bench/dashboard.py``); ``compute_raw`` computes the same
from the raw rows, the reference they are tested against (``tests/dashboard/test_facts.py``,
``test_day_flows.py``).
"""

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import InvalidParameter
from core.sql_files import load_sql
from dashboard.groups import CITY_KEY, LEVELS, Group, group_of, leaves_of, with_ward_rule
from dashboard.percentiles import resolutions
from dashboard.periods import Period
from feedback.models import OPEN_STATUSES
from layers.models import BoundaryGeneration

MEASURES = (
    "received",
    "resolved",
    "resolved_on_time",
    "on_time_pct",
    "median_hours",
    "p90_hours",
    "open_now",
    "overdue_now",
    "reopened",
    "ratings",
    "mean_rating",
    "satisfaction_count",
    "satisfaction_mean",
    "survey_answers",
    "confirmed",
    "disputed",
    "verification_rate",
    "repeats",
)
OUTSIDE_KEY = "~outside"
TOTAL_KEY = "~total"
Runner = Callable[[dict], dict[str, dict]]


@dataclass
class Row:
    """The measures of one group."""

    code: str | None
    name: str
    area_id: int | None = None
    received: int = 0
    resolved: int = 0
    resolved_on_time: int = 0
    on_time_pct: float | None = None
    median_hours: float | None = None
    p90_hours: float | None = None
    open_now: int = 0
    overdue_now: int = 0
    reopened: int = 0
    ratings: int = 0
    mean_rating: float | None = None
    satisfaction_count: int = 0
    satisfaction_mean: float | None = None
    survey_answers: int = 0
    confirmed: int = 0
    disputed: int = 0
    verification_rate: float | None = None
    repeats: int = 0

    def measures(self) -> dict:
        """The measures alone, by name."""
        return {name: getattr(self, name) for name in MEASURES}


@dataclass
class Dashboard:
    """The answer: the rows of the asked level and the city total, for one period."""

    period: Period
    generation: BoundaryGeneration
    level: str
    as_of: datetime
    rows: list[Row] = field(default_factory=list)
    total: Row | None = None


def check_level(level: str | None) -> str:
    """The level asked for (``ward`` when absent); 400 naming ``level`` when unknown."""
    if level is None or not level.strip():
        return "ward"
    if level.strip() not in LEVELS:
        raise InvalidParameter(
            _("Unknown level {level}; use one of {levels}.").format(
                level=repr(level), levels=", ".join(LEVELS)
            ),
            parameter="level",
        )
    return level.strip()


def _parameters(period: Period, generation: BoundaryGeneration, mapping: dict, fallback):
    cutoff = period.cutoff()
    return {
        "generation_id": generation.pk,
        "day": generation.valid_from,
        "start": period.start,
        "first_day": timezone.localtime(period.start).date(),
        "stop_day": timezone.localtime(period.end).date(),
        "stop": period.end,
        "cutoff": cutoff,
        "leaf_ids": list(mapping),
        "group_keys": list(mapping.values()),
        "fallback_key": fallback,
        "open_statuses": [str(s) for s in OPEN_STATUSES],
        "total_key": TOTAL_KEY,
        "time_zone": settings.TIME_ZONE,  # the open deltas' days are the city's
        "recent_cutoff": cutoff >= timezone.now() - timedelta(days=1),
        # A period's end is a local midnight: no delta of the cutoff's own day counts.
        "cutoff_inside_day": _inside_day(cutoff),
        # The day flows hold whole local days, and first reopenings per month, quarter, year.
        "whole_days": not _inside_day(period.start) and not _inside_day(period.end),
        "period_kind": period.kind,
    }


def _inside_day(instant: datetime) -> bool:
    return timezone.localtime(instant).time() != time(0)


def _found(cursor) -> dict[str, dict]:
    columns = [c.name for c in cursor.description]
    return {row[0]: dict(zip(columns[1:], row[1:], strict=True)) for row in cursor}


def run_raw(parameters: dict) -> dict[str, dict]:
    """The measures per group key from the raw rows: every item's ward by the rule, its
    status from the event log (``sql/measures.sql``); the reference the facts must match."""
    with connection.cursor() as cursor:
        cursor.execute(with_ward_rule("measures"), parameters)
        found = _found(cursor)
        cursor.execute(with_ward_rule("verification"), parameters)
        return _merged(found, _found(cursor))


def run_fast(parameters: dict) -> dict[str, dict]:
    """The same measures from the pre-aggregated facts (``sql/measures_fast.sql``)."""
    with transaction.atomic(), connection.cursor() as cursor:
        # The period's resolutions are sorted in memory for the exact percentiles (a month
        # of the benchmark's 2,000,000 items: about 10 MB), not spilled to disk.
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(load_sql("dashboard", "measures_fast"), parameters)
        found = _found(cursor)
        if parameters["period_kind"] is not None:
            found = _merged(found, resolutions(cursor, parameters))
        if parameters["fallback_key"] == OUTSIDE_KEY:
            cursor.execute(load_sql("dashboard", "outside_exists"), parameters)
            if cursor.fetchone()[0]:
                found.setdefault(OUTSIDE_KEY, {})
        cursor.execute(load_sql("dashboard", "verification_fast"), parameters)
        return _merged(found, _found(cursor))


def _merged(found: dict[str, dict], more: dict[str, dict]) -> dict[str, dict]:
    for key, values in more.items():
        found.setdefault(key, {}).update(values)
    return found


def run_engagement(parameters: dict) -> dict[str, dict]:
    """Ward ratings and survey answer sets per group key (``sql/engagement.sql``)."""
    with connection.cursor() as cursor:
        cursor.execute(with_ward_rule("engagement"), parameters)
        return _found(cursor)


def _fill(row: Row, values: dict | None) -> Row:
    if values:
        for name, value in values.items():
            setattr(row, name, round(value, 2) if isinstance(value, float) else value)
    if row.resolved:
        row.on_time_pct = round(100.0 * row.resolved_on_time / row.resolved, 1)
    if row.resolved + row.disputed:
        verified = row.confirmed + row.disputed
        row.verification_rate = round(100.0 * verified / (row.resolved + row.disputed), 1)
    return row


def compute(
    period: Period, generation: BoundaryGeneration, level: str, run: Runner = run_fast
) -> Dashboard:
    """The measures of every group of ``level`` (and the city total) in ``period``, items
    placed in ``generation``'s leaf areas. Groups without items have zero counts.

    ``run`` reads them: the pre-aggregated facts (default) or ``run_raw``, the raw rows."""
    leaves = leaves_of(generation)
    groups: dict[str, Group] = {}
    mapping: dict[int, str] = {}
    for leaf in leaves:
        group = group_of(leaf, level)
        if group is not None:
            groups.setdefault(group.key, group)
            mapping[leaf.area_id] = group.key
    fallback = CITY_KEY if level == "city" else OUTSIDE_KEY
    parameters = _parameters(period, generation, mapping, fallback)
    found = run(parameters)
    for key, values in run_engagement(parameters).items():
        found.setdefault(key, {}).update(values)
    rows = [
        _fill(Row(group.code, group.name, group.area_id), found.get(key))
        for key, group in sorted(groups.items(), key=lambda kv: kv[1].code or "")
    ]
    if OUTSIDE_KEY in found:
        outside = _("Outside every ward") if level == "ward" else _("Outside every unit")
        rows.append(_fill(Row(None, outside), found[OUTSIDE_KEY]))
    total = _fill(Row(None, _("The city")), found.get(TOTAL_KEY))
    return Dashboard(period, generation, level, parameters["cutoff"], rows, total)


def compute_raw(period: Period, generation: BoundaryGeneration, level: str) -> Dashboard:
    """``compute`` from the raw rows (the rule on every item, the event log): slow, kept as
    the reference the facts are tested against and as the benchmark's middle figure."""
    return compute(period, generation, level, run_raw)


def as_dict(row: Row) -> dict:
    """A row as plain data (without the internal area id)."""
    data = asdict(row)
    data.pop("area_id")
    return data
