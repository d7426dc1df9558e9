"""Benchmark: importing a 1,000,000-point GeoPackage and a 50,000-polygon Shapefile,
next to ``ogr2ogr -f PostgreSQL`` (``PG_USE_COPY=YES``) on the same files in the same run.

Run with ``.venv/bin/python bench/imports.py`` after ``make run``. The files are made once
under ``run/bench-imports/`` with a fixed seed: points spread over the current wards (40 %
within about 9 km of Bến Thành) with a Vietnamese ward name, a category, an integer and a
date; polygons are small octagons around such points. Later runs reuse them. The points
are also imported from GeoJSON (made from the GeoPackage by ogr2ogr, 250 MB), to show the
memory of a large text file read as a stream.

Each import is a fresh process, timed from start to exit, its peak resident memory read
from the kernel while it runs (VmHWM):
  import_layer   ``manage.py import_layer FILE --layer L`` (all checks on: CRS, geometry
                 validity and repair, outside-the-city flags, name folding, the layer's
                 indexes and the tile triggers of a real layer), into an empty new layer;
  ogr2ogr        GDAL's ogr2ogr into a new PostgreSQL table with COPY (its defaults: a
                 GiST index, no validation), the floor for moving the same rows;
  ogr2ogr + SQL  the same, then one INSERT ... SELECT of its table into a new layer (what
                 an ogr2ogr-based importer must still do to reach the same end state).
Both read with GDAL and write with COPY; the ratio is ogr2ogr's time over ours (the aim is
at least 0.8). Our time is split as the import's report times it: reading, checking and
COPYing the rows (a new layer is a partition of ``layers_feature`` built standalone,
importers/swap.py: no index yet, no trigger; with no key, as here, the COPY goes straight
into that table, otherwise into a staging table whose rows are then moved into it: "rows"),
building its indexes and keys once, counting its point pyramid once from it
(tiles/pyramid.py), the swap (DROP of a replaced one, ATTACH) and the commit; the rest is the
process starting (Python, Django, GDAL). "ogr2ogr, then the same INSERT" goes through the
parent, its indexes row by row and the pyramid's trigger, as any other write.
Counts in PostgreSQL are checked after each run: a fast wrong import is not a result.
``--drop`` removes the benchmark's layers and tables.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import _common
import numpy as np
import psycopg
import pyogrio
import shapely
from _common import ROOT, row

from layers.models import AdministrativeArea, Layer

DATA = ROOT / "run" / "bench-imports"
CATEGORIES = ["đèn đường", "ngập nước", "rác thải", "tiếng ồn", "vỉa hè", "cây xanh"]


def _wards() -> tuple[list[str], list[shapely.Geometry]]:
    wards = AdministrativeArea.objects.filter(generation__valid_to__isnull=True, level="ward")
    names, shapes = [], []
    for ward in wards.only("name", "geom"):
        names.append(ward.name)
        shapes.append(shapely.from_wkb(bytes(ward.geom.wkb)))
    return names, shapes


def _random_points(count: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points inside the wards (40 % near the centre) and the index of each one's ward."""
    rng = np.random.default_rng(seed)
    names, shapes = _wards()
    tree = shapely.STRtree(shapes)
    west, south, east, north = shapely.total_bounds(shapes)
    xs, ys, ward = [], [], []
    need = count
    while need > 0:
        batch = max(need * 3, 10_000)
        central = rng.random(batch) < 0.4
        x = np.where(central, rng.normal(106.698, 0.05, batch), rng.uniform(west, east, batch))
        y = np.where(central, rng.normal(10.772, 0.05, batch), rng.uniform(south, north, batch))
        points = shapely.points(x, y)
        hit_points, hit_wards = tree.query(points, predicate="within")
        _unique, first = np.unique(hit_points, return_index=True)
        keep = hit_points[first][:need]
        xs.append(x[keep])
        ys.append(y[keep])
        ward.append(hit_wards[first][:need])
        need -= len(keep)
    return np.concatenate(xs), np.concatenate(ys), np.concatenate(ward), names


def _attributes(count: int, ward: np.ndarray, names: list[str], seed: int) -> dict:
    rng = np.random.default_rng(seed + 1)
    days = rng.integers(0, 365, count)
    return {
        "ma": np.array([f"PA-{i:07d}" for i in range(count)], dtype=object),
        "phuong": np.array(names, dtype=object)[ward],
        "loai": np.array(CATEGORIES, dtype=object)[rng.integers(0, len(CATEGORIES), count)],
        "muc_do": rng.integers(1, 6, count).astype("int32"),
        "ngay": np.array(
            [f"2025-{1 + d // 31 % 12:02d}-{1 + d % 28:02d}" for d in days], dtype=object
        ),
    }


def _write(path: Path, geoms: np.ndarray, seed: int, ward, names, **options) -> None:
    attrs = _attributes(len(geoms), ward, names, seed=seed)
    pyogrio.raw.write(
        path, shapely.to_wkb(geoms), list(attrs.values()), list(attrs), crs="EPSG:4326", **options
    )


def make_points_gpkg(path: Path, count: int) -> None:
    """``count`` points in a GeoPackage (EPSG:4326), once."""
    x, y, ward, names = _random_points(count, seed=7)
    _write(path, shapely.points(x, y), 7, ward, names, geometry_type="Point", driver="GPKG",
           layer="phan_anh")  # fmt: skip


def make_polygons_shp(path: Path, count: int) -> None:
    """``count`` octagons (about 30-60 m across) in a UTF-8 Shapefile, once."""
    x, y, ward, names = _random_points(count, seed=11)
    radius = np.random.default_rng(12).uniform(0.00015, 0.0003, count)
    octagons = shapely.buffer(shapely.points(x, y), radius, quad_segs=2)
    _write(path, octagons, 11, ward, names, geometry_type="Polygon", driver="ESRI Shapefile",
           encoding="UTF-8")  # fmt: skip


def _timed(command: list[str], env: dict | None = None) -> tuple[float, int, str]:
    """Seconds from start to exit, peak resident MB and standard output of one process.

    The peak is the kernel's high-water mark of the process (VmHWM), read while it runs:
    ``ru_maxrss`` would carry over the parent's size from before ``exec``.
    """
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    peak = 0
    status = Path(f"/proc/{process.pid}/status")
    while process.poll() is None:
        try:
            for line in status.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except (FileNotFoundError, ProcessLookupError):
            pass
        time.sleep(0.02)
    output = process.stdout.read()
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"failed ({process.returncode}): {' '.join(command)}")
    return seconds, peak // 1024, output


def _pg_dsn() -> str:
    return _common.database_url()


def _count(sql: str) -> int:
    with psycopg.connect(_pg_dsn()) as conn:
        return conn.execute(sql).fetchone()[0]


def _drop(slugs: list[str], tables: list[str]) -> None:
    Layer.objects.filter(slug__in=slugs).delete()
    with psycopg.connect(_pg_dsn(), autocommit=True) as conn:
        for table in tables:
            conn.execute(f'DROP TABLE IF EXISTS "{table}"')


def _ogr_dsn() -> str:
    from django.db import connection

    p = connection.get_connection_params()
    return (
        f"PG:dbname={p['dbname']} host={p.get('host', '')} port={p.get('port', '')} "
        f"user={p.get('user', '')} password={p.get('password', '')}"
    )


def _ogr_table_into_layer(table: str, slug: str, expected: int, kind: str) -> float:
    """Seconds to move ogr2ogr's table into a new layer of ``layers_feature`` as the
    importer's final INSERT does (attributes as JSONB, names folded), committed: what an
    ogr2ogr-based importer would still have to do to reach the same end state."""
    Layer.objects.filter(slug=slug).delete()
    # The type our import gives the layer: a point layer keeps its tile pyramid too.
    layer = Layer.objects.create(slug=slug, title=slug, geometry_type=kind)
    geom = "geom" if kind == "Point" else "ST_Multi(geom)"
    started = time.perf_counter()
    with psycopg.connect(_pg_dsn(), options="-c jit=off") as conn:
        conn.execute(
            "INSERT INTO layers_feature (layer_id, geom, attributes, name, name_search, time, "
            f"source_key) SELECT %s, {geom}, jsonb_strip_nulls(jsonb_build_object('ma', ma, "
            "'phuong', phuong, 'loai', loai, 'muc_do', muc_do, 'ngay', ngay)), "
            "coalesce(phuong, ''), lower(coalesce(phuong, '')), NULL, ma "
            f'FROM "{table}"',
            [layer.pk],
        )
    seconds = time.perf_counter() - started
    got = _count(f"SELECT count(*) FROM layers_feature WHERE layer_id = {layer.pk}")
    layer.delete()
    if got != expected:
        raise SystemExit(f"moving {table} into a layer stored {got} rows, expected {expected}")
    return seconds


def run_case(label: str, path: Path, slug: str, table: str, expected: int, repeats: int) -> None:
    """Best of ``repeats`` for each way, taking turns; both land ``expected`` rows."""
    ours, theirs, into_layer = [], [], []
    env = {**os.environ, "PG_USE_COPY": "YES"}
    for _ in range(repeats):
        _drop([slug], [table])
        seconds, peak, output = _timed(
            [
                sys.executable,
                str(ROOT / "manage.py"),
                "import_layer",
                str(path),
                "--layer",
                slug,
                "--json",
                "-v0",
            ]
        )
        ours.append((seconds, peak, json.loads(output)["timings"]))
        got = _count(
            "SELECT count(*) FROM layers_feature f JOIN layers_layer l ON l.id = f.layer_id "
            f"WHERE l.slug = '{slug}'"
        )
        if got != expected:
            raise SystemExit(f"import_layer stored {got} features, expected {expected}")
        theirs.append(
            _timed(
                [
                    "ogr2ogr",
                    "-f",
                    "PostgreSQL",
                    _ogr_dsn(),
                    str(path),
                    "-nln",
                    table,
                    "-lco",
                    "GEOMETRY_NAME=geom",
                    "-overwrite",
                ],
                env,
            )[:2]
        )
        got = _count(f'SELECT count(*) FROM "{table}"')
        if got != expected:
            raise SystemExit(f"ogr2ogr stored {got} rows, expected {expected}")
        kind = "Point" if path.suffix == ".gpkg" else "MultiPolygon"
        into_layer.append(_ogr_table_into_layer(table, slug + "-ogr", expected, kind))
    our_s, _peak, timings = min(ours, key=lambda run: run[0])
    our_mb = max(run[1] for run in ours)
    their_s, their_mb = min(theirs)[0], max(m for _s, m in theirs)
    staged = timings["read_check_stage"]
    written = timings.get("write", 0) + timings.get("commit", 0)
    print(f"\n{label}: {expected:,} features, best of {repeats}")
    row("", "seconds", "features/s", "peak MB", "speed vs ogr2ogr")
    row("ogr2ogr -f PostgreSQL (PG_USE_COPY)", f"{their_s:.2f}", f"{expected / their_s:,.0f}",
        f"{their_mb}", "1.00x")  # fmt: skip
    row("manage.py import_layer", f"{our_s:.2f}", f"{expected / our_s:,.0f}", f"{our_mb}",
        f"{their_s / our_s:.2f}x")  # fmt: skip
    both = their_s + min(into_layer)
    row("ogr2ogr, then the same INSERT into a layer", f"{both:.2f}", f"{expected / both:,.0f}",
        "", f"{their_s / both:.2f}x")  # fmt: skip
    row("  our import vs that", "", "", "", f"{both / our_s:.2f}x")
    target = "own table" if timings.get("rows") == 0 else "staging"
    row(f"  of which: read, check, COPY to {target}", f"{staged:.2f}",
        f"{expected / staged:,.0f}", "", f"{their_s / staged:.2f}x")  # fmt: skip
    counted = "pyramid_counted" in timings  # by the importer as it read (importers/cells.py)
    if counted:
        row("    counting the point pyramid as it reads", f"{timings['pyramid_counted']:.2f}",
            "", "", "")  # fmt: skip
    row("  of which: into the layer + commit", f"{written:.2f}", "", "", "")
    if "indexes" in timings or "indexes_with_pyramid" in timings:  # its own table, swapped in
        row("    staged rows into the layer's own table", f"{timings['rows']:.2f}", "", "", "")
        pyramid = "cells copied in" if counted else "counted once"
        if "indexes_with_pyramid" in timings:  # importers/side_build.py: at the same time
            row("    its indexes and the pyramid, at once",
                f"{timings['indexes_with_pyramid']:.2f}", "", "", "")  # fmt: skip
            row(f"      of which: point pyramid, {pyramid}", f"{timings['pyramid']:.2f}",
                "", "", "")  # fmt: skip
        else:
            row("    its indexes and keys, built once", f"{timings['indexes']:.2f}", "", "", "")
            row(f"    point pyramid, {pyramid}", f"{timings['pyramid']:.2f}", "", "", "")
        row("    swap: DROP the old, ATTACH", f"{timings['swap']:.2f}", "", "", "")
        row("    commit", f"{timings.get('commit', 0):.2f}", "", "", "")
    elif "rows" in timings:
        row("    rows into layers_feature (its indexes)", f"{timings['rows']:.2f}", "", "", "")
        row("    point pyramid, built once", f"{timings['pyramid']:.2f}", "", "", "")
        row("    commit", f"{timings.get('commit', 0):.2f}", "", "", "")
    row("  of which: start-up and the rest", f"{our_s - staged - written:.2f}", "", "", "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--polygons", type=int, default=50_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--no-geojson", dest="geojson", action="store_false", help="Skip the GeoJSON case."
    )
    parser.add_argument("--drop", action="store_true", help="Remove what the benchmark made.")
    args = parser.parse_args()
    slugs = ["bench-import-points", "bench-import-polygons"]
    tables = ["bench_ogr_points", "bench_ogr_polygons"]
    if args.drop:
        _drop(slugs, tables)
        return
    DATA.mkdir(parents=True, exist_ok=True)
    gpkg = DATA / f"points_{args.points}.gpkg"
    shp = DATA / f"polygons_{args.polygons}.shp"
    if not gpkg.exists():
        print(f"making {gpkg.name} ...", flush=True)
        make_points_gpkg(gpkg, args.points)
    if not shp.exists():
        print(f"making {shp.name} ...", flush=True)
        make_polygons_shp(shp, args.polygons)
    print(f"files: {gpkg.stat().st_size / 2**20:.0f} MB GeoPackage, "
          f"{shp.stat().st_size / 2**20:.0f} MB .shp")  # fmt: skip
    run_case("GeoPackage of points", gpkg, slugs[0], tables[0], args.points, args.repeats)
    if args.geojson:
        geojson = gpkg.with_suffix(".geojson")
        if not geojson.exists():
            subprocess.run(["ogr2ogr", "-f", "GeoJSON", str(geojson), str(gpkg)], check=True)
        run_case("The same points as GeoJSON (streamed)", geojson, slugs[0], tables[0],
                 args.points, args.repeats)  # fmt: skip
    run_case("Shapefile of polygons", shp, slugs[1], tables[1], args.polygons, args.repeats)
    _drop(slugs, tables)


if __name__ == "__main__":
    main()
