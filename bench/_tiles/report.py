"""The benchmark's tables and its verdict on the aims."""

from _common import percentile, row

from _tiles.grid import TileSet, tile_sets
from _tiles.layer import SLUG
from _tiles.measure import Figures, cold_breakdown, largest, warm_queries

MAX_TILE_BYTES = 500 * 1024
COLD_AIM = 1.3  # HTTP cold at most this many times the floor's time
WARM_AIM = 1000  # tiles per second from the cache
TABLE = {"width": 30, "cell": 11}  # the result tables' label and cell widths


def kb(n: int) -> str:
    """Bytes as KB for the tables."""
    return f"{n / 1024:,.0f}" if n >= 10 * 1024 else f"{n / 1024:,.1f}"


def print_set(tile_set: TileSet, figures: Figures) -> None:
    """The rows of one tile set."""
    floor = figures.floor
    raw, gz = largest(figures.cold.bodies)
    ways = [
        ("raw SQL ST_AsMVT (floor)", floor, "", ""),
        ("HTTP cold", figures.cold, kb(raw), kb(gz)),
        ("HTTP warm (cache)", figures.warm, "", ""),
    ]
    if figures.tipg is not None:
        ways.append(("TiPg (no cache)", figures.tipg, *map(kb, figures.tipg_largest)))
    print(f"  {tile_set.label}")
    for label, run, big, big_gz in ways:
        row(
            "  " + label,
            f"{run.rate:,.0f}" if run.rate >= 100 else f"{run.rate:,.1f}",
            f"{percentile(run.latencies, 0.5) * 1000:.1f}",
            f"{percentile(run.latencies, 0.95) * 1000:.1f}",
            f"{floor.rate / run.rate:.2f}x",
            big,
            big_gz,
            **TABLE,
        )


def print_breakdown(results: list[tuple[TileSet, Figures]]) -> None:
    """Where cold tiles lose time, and what a warm one costs in queries."""
    print("\nwhere a cold tile's time goes: render_tile's steps timed one by one, one client")
    row("", "lookup", "tile SQL", "gzip", "store", "total", "HTTP p50", **TABLE)
    for tile_set, figures in results:
        if tile_set.layers == SLUG and tile_set.place == "centre":
            steps = cold_breakdown(tile_set)
            row(
                f"{tile_set.label} ms",
                *(f"{v:.2f}" for v in steps.values()),
                f"{sum(steps.values()):.2f}",
                f"{percentile(figures.cold.latencies, 0.5) * 1000:.2f}",
                **TABLE,
            )
    queries = warm_queries(tile_sets(SLUG)[-1].tiles[4])
    print(f"a warm request: {len(queries)} queries through Django, after the health check:")
    for sql in queries:
        print(f"  {sql}")


def summarise(results: list[tuple[TileSet, Figures]]) -> None:
    """The aims, met or not."""
    print("\naims")
    cold = [(f.floor.rate / f.cold.rate, s, f) for s, f in results]
    worst, worst_set, _ = max(cold, key=lambda c: c[0])
    over = [
        f"{s.layers} z{s.z} {s.place} {r:.2f}x "
        f"(+{(percentile(f.cold.latencies, 0.5) - percentile(f.floor.latencies, 0.5)) * 1000:.1f}"
        " ms p50)"
        for r, s, f in cold
        if r > COLD_AIM
    ]
    print(
        f"  HTTP cold within {COLD_AIM}x of the floor: worst {worst:.2f}x ({worst_set.layers} "
        f"{worst_set.label}); {len(cold) - len(over)} of {len(cold)} sets within"
        + (f"; over: {', '.join(over)}" if over else "")
    )
    kept = sum(f.kept for _, f in results)
    computed = sum(len(f.cold.latencies) for _, f in results)
    print(
        f"  the cold rounds kept {kept} of the {computed} tiles they computed in the cache "
        f"({computed - kept} lost, then stored by a one-client pass before the warm rounds)"
    )
    warm = sorted(f.warm.rate for _, f in results)
    cpu = sum(f.warm.cpu_seconds for _, f in results) / sum(f.warm.seconds for _, f in results)
    print(
        f"  HTTP warm: {warm[0]:,.0f} to {warm[-1]:,.0f} tiles/s (median "
        f"{warm[len(warm) // 2]:,.0f}), {sum(r >= WARM_AIM for r in warm)} of {len(warm)} sets "
        f"at {WARM_AIM:,}/s or more; the clients took {cpu:.0%} of a core"
    )
    biggest = max(((largest(f.cold.bodies), s) for s, f in results), key=lambda b: b[0][0])
    (raw, gz), where = biggest
    verdict = "none over" if raw <= MAX_TILE_BYTES else "OVER"
    print(
        f"  largest tile {kb(raw)} KB ({kb(gz)} KB gzip), {where.layers} {where.label}: "
        f"{verdict} {MAX_TILE_BYTES // 1024} KB"
    )
    tipg = [(s, f) for s, f in results if f.tipg is not None]
    if tipg:
        faster = sorted(f.cold.rate / f.tipg.rate for _, f in tipg)
        (traw, tgz), twhere = max(((f.tipg_largest, s) for s, f in tipg), key=lambda b: b[0][0])
        print(
            f"  vs TiPg (same tiles, same clients): our cold tiles/s {faster[0]:,.1f}x to "
            f"{faster[-1]:,.0f}x TiPg's (median {faster[len(faster) // 2]:,.1f}x); its largest "
            f"tile {kb(traw)} KB ({kb(tgz)} KB gzip), {twhere.label}"
        )
