"""The benchmark's figures: items/s and latencies next to the floor's, what the requests met,
and the restart.
"""

import argparse
import math
from collections import Counter

from _common import percentile, row

from _feedback.clients import OUTCOMES, Ledger
from _feedback.restart import GRACE, Restart


def latency_cells(latencies: list[float]) -> list[str]:
    """p50, p95, p99 in milliseconds."""
    if not latencies:
        return ["-", "-", "-"]
    return [f"{percentile(latencies, q) * 1000:.1f}" for q in (0.5, 0.95, 0.99)]


def print_figures(
    args: argparse.Namespace,
    floor: list[float],
    ledger: Ledger,
    report: Restart | None,
    client_cpu: float,
) -> None:
    """Items/s and latencies next to the floor's, what the requests met, and the restart."""
    window = report.window() if report else None
    acknowledged = [a for a in ledger.attempts if a.outcome in ("created", "replayed")]
    in_time = [a for a in acknowledged if a.done <= args.duration]
    first_acks = [at for _, at in ledger.acked.values() if at <= args.duration]
    floor_rate, floor_p95 = len(floor) / args.baseline, percentile(floor, 0.95)
    lines = [
        ("raw SQL INSERT ... SELECT (floor)", len(floor), args.baseline, floor),
        (
            "HTTP POST /api/v1/feedback/items/",
            len(first_acks),
            args.duration,
            [a.seconds for a in in_time],
        ),
    ]
    if window:
        lines.append(
            (
                "HTTP, outside the restart window",
                sum(not window[0] <= at <= window[1] for at in first_acks),
                args.duration - (window[1] - window[0]),
                [a.seconds for a in in_time if not report.during(a)],
            )
        )
    print(
        f"{args.clients} concurrent clients; the floor ran {args.baseline:g} s, "
        f"HTTP {args.duration:g} s"
    )
    cells = ("items", "items/s", "p50 ms", "p95 ms", "p99 ms", "/s vs floor", "p95 vs floor")
    row("", *cells, width=36, cell=13)
    for label, count, seconds, latencies in lines:
        rate = count / seconds
        p95 = percentile(latencies, 0.95) if latencies else math.nan
        row(
            label,
            f"{count:,}",
            f"{rate:,.1f}",
            *latency_cells(latencies),
            f"{rate / floor_rate:.2f}x",
            f"{p95 / floor_p95:.1f}x",
            width=36,
            cell=13,
        )
    print("  (latency: acknowledged requests only, timed-out attempts left out)")

    outcomes = Counter(a.outcome for a in ledger.attempts)
    print(
        f"requests sent {len(ledger.attempts):,} (incl. retries): "
        + ", ".join(f"{name} {outcomes[name]:,}" for name in OUTCOMES)
    )
    to_ack = [at - ledger.first_sent[key] for key, (_, at) in ledger.acked.items()]
    if to_ack:
        print(
            f"reports: {len(ledger.sent):,} keys sent, {len(ledger.acked):,} acknowledged, "
            f"{len(ledger.never):,} never; first send to acknowledgement p50 "
            f"{percentile(to_ack, 0.5) * 1000:.0f} ms, p95 {percentile(to_ack, 0.95) * 1000:.0f}"
            f" ms, max {max(to_ack):.1f} s; {ledger.replays_checked:,} acknowledged reports "
            f"sent again; the clients took {client_cpu:.0%} of a core"
        )
    if report is None:
        return
    if report.error:
        print(f"restart: FAILED: {report.error}")
        return
    failed = Counter(
        a.outcome
        for a in ledger.attempts
        if report.during(a) and a.outcome in ("connection", "timeout", "5xx", "429")
    )
    print(
        f"restart at {report.began:.1f} s: the database was away {report.away:.1f} s (stop "
        f"{report.stop_seconds:.1f} s, start {report.start_seconds:.1f} s); "
        f"{sum(failed.values())} requests failed meanwhile (under way between the stop and "
        f"{GRACE:g} s after it was back: "
        f"{', '.join(f'{k} {v}' for k, v in sorted(failed.items())) or 'none'})"
    )
