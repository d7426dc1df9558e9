"""Benchmark: recounting one layer's point pyramid (tiles/pyramid.py ``recount_layer_sql``,
what an import of a new or replaced layer runs once), against the statement it replaced,
on 100,000 and 1,000,000 points, in the same run.

Run with ``.venv/bin/python bench/pyramid.py`` after ``make run``. Each size is a layer of
its own in the dev database (``bench-pyramid-N``; ``--counted`` adds a counted attribute,
``loai``, so every point also falls in an "loai=..." group): points from a fixed seed, 40 %
within about 5 km of Bến Thành, the rest spread over the city, written with the pyramid's
trigger skipped (as an import writes them), so the layer has no cells. Every recount runs
in a transaction that is rolled back, after a VACUUM of ``tiles_pointcell`` (the cells of
the last one are dead rows until then), and the two statements must produce the same
cells (count, points per level, a hash of the keys weighted by the counts, the coordinate
sums within 1e-9), or the script stops: a fast wrong recount is not a result.

Printed per size: the cells written, the old statement (the baseline: per-point
PointOnSurface and a LATERAL list of groups, hash aggregates, one sort of every level, an
INSERT ... ON CONFLICT), the new one and the ratio; then where the new one's time goes:
  finest floor     ``SELECT count(*)`` over the finest level's ``GROUP BY`` of the points
                   (ST_Transform and one aggregate, nothing written);
  counting alone   the new statement writing into a temporary table (no WAL, no index):
                   everything but the write;
  writing floor    a plain INSERT of the same cells, in the same order, from that table.
The layers are kept for the next run (made once: about 70 s per million points);
``--drop`` removes them.
"""

import argparse
import sys
import time

import _common  # noqa: F401  (Django set-up)
from _common import row
from django.db import connection, transaction

from layers.models import Layer
from tiles.pyramid import (
    BULK_SETTING,
    FEATURE_ROWS,
    HALF,
    TOP_LEVEL,
    apply_sql,
    cell_size,
    recount_layer_sql,
    signed,
)

CATEGORIES = ["đèn đường", "ngập nước", "rác thải", "tiếng ồn", "vỉa hè", "cây xanh"]

# The points: 40 % normal around Bến Thành (σ 0.05°, Box-Muller), 60 % uniform over the city.
POINTS_SQL = """
INSERT INTO layers_feature (geom, attributes, name, name_search, source_key, layer_id)
SELECT ST_SetSRID(ST_MakePoint(x, y), 4326),
       jsonb_build_object('loai', (%s::text[])[1 + i %% 6]), '', '', i::text, %s
FROM (SELECT i,
        CASE WHEN c THEN 106.698 + 0.05 * sqrt(-2 * ln(1 - u1)) * cos(2 * pi() * u2)
             ELSE 106.35 + 0.7 * u1 END AS x,
        CASE WHEN c THEN 10.772 + 0.05 * sqrt(-2 * ln(1 - u1)) * sin(2 * pi() * u2)
             ELSE 10.35 + 0.8 * u2 END AS y
      FROM (SELECT i, random() < 0.4 AS c, random() AS u1, random() AS u2
            FROM generate_series(1, %s) AS i) AS s) AS p
"""

CHECK_SQL = (
    "SELECT count(*), sum(n), "
    "sum(hashtext(z || ',' || cx || ',' || cy || ',' || grp)::bigint * n), sum(sx), sum(sy) "
    "FROM tiles_pointcell WHERE layer = %s"
)
LEVELS_SQL = "SELECT z, sum(n) FROM tiles_pointcell WHERE layer = %s AND grp = '' GROUP BY z"


def old_recount_sql() -> str:
    """The statement ``recount_layer_sql`` ran before (the baseline), parameters (slug, id)."""
    rows = signed(FEATURE_ROWS, "(SELECT * FROM layers_feature WHERE layer_id = %s)", 1)
    return (
        "SET LOCAL work_mem = '128MB'; DELETE FROM tiles_pointcell WHERE layer = %s; "
        + apply_sql(rows, fresh=True)
    )


def finest_floor_sql() -> str:
    """The finest level's cells of the layer counted, nothing written (parameter: its id)."""
    size = cell_size(TOP_LEVEL)
    return (
        "SELECT count(*) FROM (SELECT floor((x + {h}) / {s})::int, floor(({h} - y) / {s})::int, "
        "count(*), sum(x), sum(y) FROM (SELECT ST_X(p) AS x, ST_Y(p) AS y FROM (SELECT "
        "ST_Transform(geom, 3857) AS p FROM layers_feature WHERE layer_id = %s OFFSET 0) AS m) "
        "AS r GROUP BY 1, 2) AS c"
    ).format(h=repr(HALF), s=repr(size))


def ensure_layer(count: int, counted: bool) -> Layer:
    """The benchmark's layer of ``count`` points, made once (without cells)."""
    slug = f"bench-pyramid-{count}" + ("-loai" if counted else "")
    layer = Layer.objects.filter(slug=slug).first()
    if layer is not None and layer.features.count() == count:
        return layer
    if layer is not None:
        drop([slug])
    print(f"making {slug} ...", flush=True)
    with transaction.atomic():
        layer = Layer.objects.create(
            slug=slug, title=slug, geometry_type="Point", cluster_attributes=["loai"] * counted
        )
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'on', true), setseed(0.17)", [BULK_SETTING])
            cursor.execute(POINTS_SQL, [CATEGORIES, layer.pk, count])
    return layer


def drop(slugs: list[str]) -> None:
    """The benchmark's layers and their points removed (the trigger skipped: no cells)."""
    for layer in Layer.objects.filter(slug__in=slugs):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'on', true)", [BULK_SETTING])
            cursor.execute("DELETE FROM layers_feature WHERE layer_id = %s", [layer.pk])
            layer.delete()


def timed_recount(sql: str, layer: Layer) -> tuple[float, tuple, dict]:
    """Seconds of one recount (rolled back), with its cells' check figures."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM tiles_pointcell")
    with transaction.atomic(), connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(sql, [layer.slug, layer.pk])
        seconds = time.perf_counter() - started
        cursor.execute(CHECK_SQL, [layer.slug])
        check = cursor.fetchone()
        cursor.execute(LEVELS_SQL, [layer.slug])
        levels = dict(cursor.fetchall())
        transaction.set_rollback(True)
    return seconds, check, levels


def same_cells(old: tuple, new: tuple) -> bool:
    """Equal counts and keys; coordinate sums (added in another order) to 1e-9."""
    sums = zip(old[3:], new[3:], strict=True)
    return old[:3] == new[:3] and all(abs(a - b) <= 1e-9 * abs(a) for a, b in sums)


def floors(layer: Layer) -> tuple[float, float, float]:
    """Finest-level GROUP BY floor, the new statement into a temporary table, and the plain
    INSERT of those cells into tiles_pointcell (rolled back)."""
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
        started = time.perf_counter()
        cursor.execute(finest_floor_sql(), [layer.pk])
        finest = time.perf_counter() - started
        cursor.execute("RESET jit")
        cursor.execute("DROP TABLE IF EXISTS bench_cells")
        cursor.execute("CREATE TEMP TABLE bench_cells (LIKE tiles_pointcell)")
        sql = recount_layer_sql().replace(
            "INSERT INTO tiles_pointcell ", "INSERT INTO bench_cells "
        )
        with transaction.atomic():
            started = time.perf_counter()
            cursor.execute(sql, [layer.slug, layer.pk])
            counting = time.perf_counter() - started
        cursor.execute("VACUUM tiles_pointcell")
        with transaction.atomic():
            started = time.perf_counter()
            cursor.execute("INSERT INTO tiles_pointcell SELECT * FROM bench_cells")
            writing = time.perf_counter() - started
            transaction.set_rollback(True)
        cursor.execute("DROP TABLE bench_cells")
    return finest, counting, writing


def run_layer(layer: Layer, count: int, repeats: int) -> None:
    """One layer: old and new statements alternately, best of ``repeats``, then the floors."""
    old_times, new_times = [], []
    for _ in range(repeats):
        seconds, old_check, old_levels = timed_recount(old_recount_sql(), layer)
        old_times.append(seconds)
        seconds, new_check, new_levels = timed_recount(recount_layer_sql(), layer)
        new_times.append(seconds)
        if not same_cells(old_check, new_check) or old_levels != new_levels:
            sys.exit(f"{layer.slug}: the new recount's cells differ: {old_check} {new_check}")
        if set(new_levels.values()) != {count}:
            sys.exit(f"{layer.slug}: not every point counted once per level: {new_levels}")
    old, new = min(old_times), min(new_times)
    finest, counting, writing = floors(layer)
    row(f"{layer.slug}: {new_check[0]:,} cells", f"{old:.2f}", f"{new:.2f}", f"{old / new:.2f}x")
    row(f"  level-{TOP_LEVEL} GROUP BY floor", "", f"{finest:.2f}", f"{finest / new:.2f} of new")
    row(
        "  counting alone (into a temp table)",
        "",
        f"{counting:.2f}",
        f"{counting / new:.2f} of new",
    )
    row("  writing floor (plain INSERT)", "", f"{writing:.2f}", f"{writing / new:.2f} of new")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--points", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeats", type=int, default=1, help="best of N (default 1)")
    parser.add_argument("--counted", action="store_true", help="count by one attribute too")
    parser.add_argument("--drop", action="store_true", help="remove the benchmark's layers")
    args = parser.parse_args()
    if args.drop:
        drop(
            [
                s
                for s in Layer.objects.values_list("slug", flat=True)
                if s.startswith("bench-pyramid-")
            ]
        )
        return
    layers = [(ensure_layer(count, args.counted), count) for count in args.points]
    print("seconds, best of", args.repeats, "(the machine may be shared: compare ratios)")
    row("layer", "before", "after", "ratio")
    for layer, count in layers:
        run_layer(layer, count, args.repeats)


if __name__ == "__main__":
    main()
