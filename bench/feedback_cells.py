"""Benchmark: the feedback layer's low-zoom tiles on a city-sized database, its cells read
from the compacted pyramid plus pending deltas ("deltas", tiles/cell_deltas.py) next to
the same cells counted from the raw points at every tile ("grid", the previous path), and
what the deltas cost a report, all measured in the same run.

Run with ``.venv/bin/python bench/feedback_cells.py [--items 1000000]`` after ``make run``
has loaded the demo boundaries and migrated (tiles 0009). It writes ``--items`` synthetic
items (description "(bench feedback cells)") around the label points of today's wards, in
one INSERT ... SELECT generate_series with every trigger off (``session_replication_role =
replica``: the dashboard's facts and the caches' triggers would take tens of minutes, and are
not what is measured), the public point computed as the database's trigger does; then counts
the layer's cells set-based (``tiles_deltas_recount_feedback()``, the migration's first
fill: timed). It times, best of ``--repeats``:

  tile grid        the SQL of ``tiles.mvt.tile_sql`` for the layer declared "grid", at each
                   zoom of ``--zooms`` on the tile over the city centre (best of 1: slow);
  tile deltas      the same tile as the layer is declared ("deltas"), nothing pending;
  tile +pending    the same with ``--pending`` reports' deltas pending (written in a
                   transaction that is rolled back);
  compaction       folding those pending deltas into the pyramid (rolled back);
  report INSERT    one report's INSERT with all its triggers (the baseline), next to the
                   delta trigger's own statement for one row and, for reference, the
                   pyramid's upsert of the same row into every level (rolled back).

It checks that both paths give every tile the same total count; exit 1 otherwise. It
deletes its rows at the end (``--keep`` leaves them for the next run with the same
``--items``) and counts the layer's cells again, and forgets the cached feedback tiles.
"""

import argparse
import math
import sys
import time
from dataclasses import replace

import _common  # noqa: F401  (sets Django up first)
import mapbox_vector_tile
from _common import best_of, row
from django.db import connection, transaction

from feedback.public import feedback_spec
from tiles import cell_deltas
from tiles.mvt import tile_sql
from tiles.pyramid import apply_sql, signed

MARK = "(bench feedback cells)"
CENTRE = (106.70, 10.78)  # Quận 1
INSERT_ITEMS = """
WITH wards AS (
    SELECT row_number() OVER (ORDER BY a.code) AS ord, a.id, a.label_point
    FROM layers_administrativearea AS a
    JOIN layers_boundarygeneration AS g ON g.id = a.generation_id
    WHERE g.valid_to IS NULL AND a.level = 'ward' AND a.label_point IS NOT NULL
), categories AS (
    SELECT row_number() OVER (ORDER BY id) AS ord, id, public_precision_m
    FROM feedback_feedbackcategory
), drawn AS (
    SELECT n, random() AS r, now() - random() * interval '700 days' AS created
    FROM generate_series(1, %(items)s) AS n
), placed AS (
    SELECT d.*, w.id AS ward_id, c.id AS category_id, c.public_precision_m,
           ST_SetSRID(ST_MakePoint(ST_X(w.label_point) + (random() - 0.5) * 0.02,
                                   ST_Y(w.label_point) + (random() - 0.5) * 0.02), 4326) AS geom
    FROM drawn AS d
    JOIN wards AS w ON w.ord = 1 + d.n %% (SELECT count(*) FROM wards)
    JOIN categories AS c ON c.ord = 1 + (d.n / 7) %% (SELECT count(*) FROM categories)
)
INSERT INTO feedback_feedbackitem (
    tracking_code, category_id, description, channel, geom, public_geom, address_text,
    ward_id, status, rejection_reason, reporter_name, reporter_phone, reporter_email,
    created_at, updated_at, deadline_at, rating_comment, consent_notice_version,
    consent_purpose, paused_seconds)
SELECT 'BC' || lpad(p.n::text, 10, '0'), p.category_id, %(mark)s, 'app', p.geom,
       feedback_coarsen(p.geom, p.public_precision_m), '', p.ward_id,
       CASE WHEN p.r < 0.6 THEN 'resolved' WHEN p.r < 0.8 THEN 'received'
            WHEN p.r < 0.9 THEN 'in_progress' ELSE 'rejected' END,
       '', '', '', '', p.created, p.created, p.created + interval '72 hours', '', '', '', 0
FROM placed AS p
"""


def _replica(cursor) -> None:
    """Every trigger off for this transaction (superuser): see the module docstring."""
    cursor.execute("SET LOCAL session_replication_role = replica")


def bench_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM feedback_feedbackitem WHERE description = %s", [MARK])
        return cursor.fetchone()[0]


def write_items(items: int) -> float:
    """The bench items, then the layer's cells counted again; the recount's seconds."""
    with transaction.atomic(), connection.cursor() as cursor:
        _replica(cursor)
        cursor.execute(INSERT_ITEMS, {"items": items, "mark": MARK})
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE feedback_feedbackitem")
    return recount()


def recount() -> float:
    """Count the feedback layer's cells from its rows; seconds."""
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '128MB'")
        cursor.execute("SELECT tiles_deltas_recount_feedback()")
    return time.perf_counter() - start


def delete_items() -> None:
    """Remove the bench items (triggers off, as they were written), count the cells again and
    forget the cached tiles that showed the layer."""
    with transaction.atomic(), connection.cursor() as cursor:
        _replica(cursor)
        cursor.execute("DELETE FROM feedback_feedbackitem WHERE description = %s", [MARK])
    recount()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM tiles_cachedtile WHERE 'feedback' = ANY (layers)")


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The (x, y) of the zoom-``z`` tile holding a lon/lat."""
    n = 2**z
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return x, y


def render(spec, z: int) -> tuple[float, int]:
    """Seconds of the tile's SQL, and the total count its cells carry."""
    x, y = tile_of(*CENTRE, z)
    statement = tile_sql([spec], z, x, y)
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(statement)
        data = bytes(cursor.fetchone()[0])
    seconds = time.perf_counter() - start
    layer = mapbox_vector_tile.decode(data).get("feedback", {"features": []})
    return seconds, sum(f["properties"].get("count", 0) for f in layer["features"])


def add_pending(reports: int) -> None:
    """The deltas ``reports`` new reports would leave pending (copies of bench items)."""
    rows = cell_deltas.rows_template(feedback_spec())
    source = f"(SELECT * FROM feedback_feedbackitem WHERE description = '{MARK}' LIMIT {reports})"
    with connection.cursor() as cursor:
        cursor.execute(cell_deltas.append_sql(signed(rows, source, 1)).replace("%", "%%"))


class Rollback(Exception):
    """Leaves a transaction.atomic block without committing what was measured."""


def rolled_back(work):
    """Run ``work()`` in a transaction that is rolled back; its result."""
    result = None
    try:
        with transaction.atomic():
            result = work()
            raise Rollback
    except Rollback:
        return result


def timed_tiles(zooms: list[int], pending: int, repeats: int) -> bool:
    """Print the tiles' figures; whether both paths agree on every tile's count."""
    declared = feedback_spec()
    grid = replace(declared, cluster_source="grid")
    agree = True
    row("zoom", "grid ms", "deltas ms", "+pending ms", "grid/deltas", "count")
    for z in zooms:
        grid_s, grid_n = render(grid, z)
        deltas_s, (_, deltas_n) = best_of(repeats, lambda z=z: render(declared, z))

        def with_pending(z=z):
            add_pending(pending)
            return best_of(repeats, lambda: render(declared, z))

        pending_s, _ = rolled_back(with_pending)
        agree &= grid_n == deltas_n
        row(
            f"z{z}",
            f"{grid_s * 1000:.1f}",
            f"{deltas_s * 1000:.1f}",
            f"{pending_s * 1000:.1f}",
            f"{grid_s / deltas_s:.0f}x",
            f"{deltas_n}" + ("" if grid_n == deltas_n else f" != {grid_n}"),
        )
    return agree


def timed_compaction(pending: int, repeats: int) -> float:
    def work():
        add_pending(pending)
        start = time.perf_counter()
        cell_deltas.compact()
        return time.perf_counter() - start

    return min(rolled_back(work) for _ in range(repeats))


def timed_intake(repeats: int) -> dict[str, float]:
    """Mean seconds of one report's INSERT (all triggers), of the delta trigger's statement
    for that one row and of the pyramid's upsert of it (each rolled back). The row is a copy
    of a bench item in a temporary table, standing for the trigger's transition table."""
    spec = feedback_spec()
    rows = cell_deltas.rows_template(spec)
    one = "bench_new_rows"
    statements = {
        "delta append": cell_deltas.append_sql(signed(rows, one, 1)),
        "pyramid upsert": apply_sql(signed(rows, one, 1)),
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT string_agg(quote_ident(column_name), ', ') FROM information_schema.columns "
            "WHERE table_name = 'feedback_feedbackitem' "
            "AND column_name NOT IN ('id', 'tracking_code', 'public_geom')"
        )
        columns = cursor.fetchone()[0]
    statements["report INSERT"] = (
        f"INSERT INTO feedback_feedbackitem (tracking_code, {columns}) "
        f"SELECT 'BCX' || md5(random()::text)::varchar(12), {columns} FROM {one}"
    )
    means = {}
    for name, statement in statements.items():

        def loop(statement=statement):
            with connection.cursor() as cursor:
                cursor.execute(
                    f"CREATE TEMPORARY TABLE {one} ON COMMIT DROP AS SELECT * "
                    "FROM feedback_feedbackitem WHERE description = %s LIMIT 1",
                    [MARK],
                )
                cursor.execute(f"ANALYZE {one}")
                start = time.perf_counter()
                for _ in range(50):
                    cursor.execute(statement.replace("%", "%%"))
                return (time.perf_counter() - start) / 50

        means[name] = min(rolled_back(loop) for _ in range(repeats))
    return means


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=1_000_000, help="bench items (1000000)")
    parser.add_argument("--zooms", default="6,8,10,11", help="zooms of the tiles (6,8,10,11)")
    parser.add_argument("--pending", type=int, default=1000, help="reports pending (1000)")
    parser.add_argument("--repeats", type=int, default=3, help="best of (3)")
    parser.add_argument("--keep", action="store_true", help="keep the items for the next run")
    args = parser.parse_args()
    zooms = [int(z) for z in args.zooms.split(",")]
    try:
        have = bench_count()
        if have not in (0, args.items):
            delete_items()
            have = 0
        if have == 0:
            start = time.perf_counter()
            fill = write_items(args.items)
            print(
                f"wrote {args.items} items in {time.perf_counter() - start:.0f} s "
                f"(cells counted in {fill:.1f} s)"
            )
        print(f"Tiles over {CENTRE} (SQL only; machine shared, under load):")
        agree = timed_tiles(zooms, args.pending, args.repeats)
        compaction = timed_compaction(args.pending, args.repeats)
        print(f"compaction of {args.pending} reports' deltas: {compaction * 1000:.1f} ms")
        intake = timed_intake(args.repeats)
        base = intake["report INSERT"]
        print("One report (mean of 50, best of --repeats):")
        for name, seconds in intake.items():
            row(name, f"{seconds * 1000:.2f} ms", f"{seconds / base:.2f}x")
    finally:
        if not args.keep:
            delete_items()
    if not agree:
        print("FAILED: the two paths disagree on a tile's count")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
