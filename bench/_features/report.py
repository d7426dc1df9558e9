"""The benchmark's table of one layer: speed, time against the raw SQL, memory."""

from _common import row

from _features.ways import Export, Figures


def mb(value: float | None) -> str:
    """A memory figure for the tables."""
    return "n/a" if value is None else f"{value:,.1f}"


def print_export(job: Export, ways: dict[str, Figures]) -> None:
    """The table of one layer: speed, time against the raw SQL, memory."""
    raw = ways["raw"].seconds
    print(f"\n{job.title}: {job.count:,} features")
    row("", "features/s", "seconds", "vs raw SQL", "app MB", "postgres MB", width=42, cell=13)
    labels = {
        "raw": "raw SQL json_agg(ST_AsGeoJSON(t.*))",
        "sql": "export SQL alone, server-side cursor",
        "peer": "raw WSGI peer over psycopg, gzip",
        "api": f"HTTP GET .../{job.slug}/export/, gzip",
        "plain": "the same, Accept-Encoding: identity",
        "serializer": "DRF-GIS GeoFeatureModelSerializer"
        + (" (1 run)" if job.serializer_repeats == 1 else ""),
    }
    for key, label in labels.items():
        if key not in ways:
            continue
        way = ways[key]
        row(
            label,
            f"{job.count / way.seconds:,.0f}",
            f"{way.seconds:.3f}",
            f"{way.seconds / raw:.2f}x",
            mb(way.app_mb),
            mb(way.postgres_mb),
            width=42,
            cell=13,
        )
    api, plain, serializer = (ways[k].seconds for k in ("api", "plain", "serializer"))
    print(
        f"  API: {api / raw:.2f}x the raw SQL's time gzipped, {plain / raw:.2f}x uncompressed "
        f"(aim: at most 1.5x); {serializer / api:.1f}x and {serializer / plain:.1f}x faster "
        "than the serializer (aim: at least 10x)"
    )
    if "peer" in ways:
        peer = ways["peer"].seconds
        print(
            f"  the raw peer: {peer / raw:.2f}x the raw SQL's time; the API {api / peer:.2f}x "
            "the peer's (Django's fixed cost over a bare handler's)"
        )
    print(
        f"  body {len(ways['plain'].answer) / 1e6:,.1f} MB, sent gzipped "
        f"{ways['api'].wire_bytes / 1e6:,.1f} MB (gzip level 1, by the export view)"
    )
