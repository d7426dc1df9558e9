"""Resolutions of a month, quarter or year per group, with their exact median and 90th
percentile of hours, without sorting every resolution of the period.

The per-month resolutions (``sql/day_flows.sql``: per area and hours bucket, the buckets in
the order of the hours) tell how many resolutions each group has in each bucket; the ranks
``percentile_cont`` interpolates between (``p * (n - 1)``, rounded down and up) then lie in
known buckets, and only those buckets' resolutions are read and ranked
(``sql/resolution_hours.sql``). The interpolation is PostgreSQL's own (``float8_lerp``), so
the values equal ``percentile_cont``'s, as ``compute_raw`` computes them.
"""

from bisect import bisect_right
from itertools import accumulate
from math import ceil, floor

from core.sql_files import load_sql

PERCENTILES = (("median_hours", 0.5), ("p90_hours", 0.9))


def _locate(buckets: list[int], ends: list[int], rank: int) -> tuple[int, int]:
    """The bucket holding the 0-based ``rank`` and the rank within it."""
    index = bisect_right(ends, rank)
    before = ends[index - 1] if index else 0
    return buckets[index], rank - before


def resolutions(cursor, parameters: dict) -> dict[str, dict]:
    """Per group key (and ``total_key``): resolved, resolved_on_time, median_hours and
    p90_hours of the period (a month, a quarter or a year), as ``measures.sql`` counts them.
    The total always has a row."""
    cursor.execute(load_sql("dashboard", "resolution_buckets"), parameters)
    counts: dict[str, dict[int, list[int]]] = {}
    for key, bucket, resolved, on_time in cursor.fetchall():
        for target in (key, parameters["total_key"]):
            slot = counts.setdefault(target, {}).setdefault(bucket, [0, 0])
            slot[0] += int(resolved)
            slot[1] += int(on_time)
    counts.setdefault(parameters["total_key"], {})
    found: dict[str, dict] = {}
    wanted: dict[tuple[str, int, int], None] = {}
    plans: dict[str, list[tuple[str, float, tuple, tuple]]] = {}
    for key, by_bucket in counts.items():
        buckets = sorted(by_bucket)
        ends = list(accumulate(by_bucket[b][0] for b in buckets))
        total = ends[-1] if ends else 0
        found[key] = {
            "resolved": total,
            "resolved_on_time": sum(by_bucket[b][1] for b in buckets),
            "median_hours": None,
            "p90_hours": None,
        }
        if not total:
            continue
        for name, share in PERCENTILES:
            row = share * (total - 1)  # as PostgreSQL computes it, in double precision
            first, second = _locate(buckets, ends, floor(row)), _locate(buckets, ends, ceil(row))
            wanted[(key, *first)] = None
            wanted[(key, *second)] = None
            plans.setdefault(key, []).append((name, row - floor(row), first, second))
    if not wanted:
        return found
    keys, bucket_list, ranks = zip(*wanted, strict=True)
    cursor.execute(
        load_sql("dashboard", "resolution_hours"),
        {
            **parameters,
            "buckets": sorted(set(bucket_list)),
            "wanted_keys": list(keys),
            "wanted_buckets": list(bucket_list),
            "wanted_ranks": list(ranks),
        },
    )
    hours = {(key, bucket, rank): value for key, bucket, rank, value in cursor.fetchall()}
    for key, steps in plans.items():
        for name, proportion, first, second in steps:
            low = hours[(key, *first)]
            # PostgreSQL's percentile_cont: the first value alone when the ranks coincide,
            # else float8_lerp(low, high, proportion).
            found[key][name] = (
                low if first == second else low + proportion * (hours[(key, *second)] - low)
            )
    return found
