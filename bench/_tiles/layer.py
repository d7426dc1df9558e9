"""The benchmark's layer ``bench-feedback``: two million synthetic feedback points drawn in
SQL like a city's feedback, made once, reused while they hold the right number, dropped with
``--drop``; and the database session every way of the benchmark opens.
"""

import _common
import psycopg
from django.utils import timezone

from layers.models import BoundaryGeneration, Layer

SLUG = "bench-feedback"
SOURCE = "bench/tiles.py: synthetic feedback points, made and removed by the benchmark"
SCHEMA = [
    {"name": "status", "type": "string", "title": "Status", "public": True},
    {"name": "category", "type": "string", "title": "Category", "public": True},
    {"name": "reported_at", "type": "datetime", "title": "Reported at", "public": True},
]
# (value, share): most feedback is dealt with; a tenth still waits to be accepted.
STATUSES = [
    ("received", 0.08),
    ("accepted", 0.10),
    ("in_progress", 0.17),
    ("resolved", 0.50),
    ("closed", 0.15),
]
CATEGORIES = [
    ("rac_thai", 0.20),  # waste and litter
    ("lan_chiem_via_he", 0.16),  # pavement encroachment
    ("ha_tang_giao_thong", 0.15),  # potholes, broken roads
    ("ngap_nuoc", 0.12),  # flooding
    ("tieng_on", 0.11),  # noise
    ("trat_tu_xay_dung", 0.09),  # building-order violations
    ("chieu_sang", 0.09),  # street lights
    ("cay_xanh", 0.08),  # trees
]
# Where feedback comes from: (lon, lat, sigma in km, share); sigma 0 = evenly over the city.
MIXTURE = [
    (106.69, 10.775, 2.5, 0.30),  # the old centre: Districts 1, 3, 5, 10
    (106.67, 10.79, 7.0, 0.25),  # the inner city around it
    (106.77, 10.85, 3.0, 0.09),  # Thủ Đức
    (106.65, 10.98, 3.0, 0.07),  # Thủ Dầu Một (Bình Dương)
    (107.08, 10.35, 2.5, 0.05),  # Vũng Tàu
    (107.17, 10.50, 3.0, 0.03),  # Bà Rịa
    (0.0, 0.0, 0.0, 0.21),  # everywhere else, sparse
]
EVEN_BOX = (106.34, 10.30, 107.60, 11.56)  # the mainland city (not Côn Đảo), for the spread
KM_PER_DEGREE = 111.32
SEED = 0.20251
REPORTED_FROM = "2025-07-01T00:00:00+07:00"  # the current generation's first day
REPORTED_DAYS = 500

# The view TiPg reads the layer through (_tiles/tipg.py); --drop removes it with the layer.
TIPG_VIEW = "bench_feedback_v"

CANDIDATES = """
CREATE TEMP TABLE IF NOT EXISTS bench_candidates (
    i bigint GENERATED ALWAYS AS IDENTITY, geom geometry(Point, 4326), status text,
    category text, reported_at timestamptz)
"""
# One round of candidate points drawn from the mixture with random() (seeded by setseed),
# kept when a ward piece of the generation covers them.
DRAW = """
INSERT INTO bench_candidates (geom, status, category, reported_at)
SELECT p.geom,
       (%(statuses)s::text[])[width_bucket(d.s, %(status_cuts)s::float8[]) + 1],
       (%(categories)s::text[])[width_bucket(d.k, %(category_cuts)s::float8[]) + 1],
       date_trunc('second', %(start)s::timestamptz + d.t * %(days)s * interval '1 day')
FROM (SELECT width_bucket(random(), %(mix_cuts)s::float8[]) + 1 AS m, random() AS u1,
             random() AS u2, random() AS s, random() AS k, random() AS t
      FROM generate_series(1, %(n)s)) AS d
CROSS JOIN LATERAL (
    SELECT CASE WHEN g.sigma = 0 THEN
               ST_SetSRID(ST_MakePoint(%(west)s + d.u1 * (%(east)s - %(west)s),
                                       %(south)s + d.u2 * (%(north)s - %(south)s)), 4326)
           ELSE
               ST_SetSRID(ST_MakePoint(
                   g.lon + g.sigma * sqrt(-2 * ln(1 - d.u1)) * cos(2 * pi() * d.u2)
                           / cos(radians(g.lat)),
                   g.lat + g.sigma * sqrt(-2 * ln(1 - d.u1)) * sin(2 * pi() * d.u2)), 4326)
           END AS geom
    FROM (SELECT (%(lons)s::float8[])[d.m] AS lon, (%(lats)s::float8[])[d.m] AS lat,
                 (%(sigmas)s::float8[])[d.m] AS sigma) AS g) AS p
WHERE EXISTS (
    SELECT 1 FROM layers_areasubdivision AS s
    JOIN layers_administrativearea AS a ON a.id = s.area_id
    WHERE s.generation_id = %(generation)s AND a.level = 'ward' AND ST_Covers(s.geom, p.geom))
"""
# The first n candidates, in the order they were reported (as a real table fills), in one
# statement: the tile triggers (cache, point-count pyramid) run once for all of them.
INSERT = """
INSERT INTO layers_feature (layer_id, geom, attributes, name, name_search, time, source_key)
SELECT %(layer)s, c.geom,
       jsonb_build_object('status', c.status, 'category', c.category, 'reported_at',
                          to_char(c.reported_at AT TIME ZONE 'Asia/Ho_Chi_Minh',
                                  'YYYY-MM-DD"T"HH24:MI:SS"+07:00"')),
       '', '', c.reported_at, 'bench-' || c.i
FROM (SELECT * FROM bench_candidates ORDER BY i LIMIT %(n)s) AS c
ORDER BY c.reported_at, c.i
"""


def current_generation() -> BoundaryGeneration:
    """The boundary generation valid today, as the areas layer picks it."""
    today = timezone.localdate()
    return (
        BoundaryGeneration.objects.filter(valid_from__lte=today).exclude(valid_to__lt=today).get()
    )


def connect() -> psycopg.Connection:
    """A new database session with the app's session settings (no JIT: see
    geoportal/settings.py) and its way of sending statements (values bound client-side, as
    Django does)."""
    return psycopg.connect(
        _common.database_url(),
        options="-c jit=off",
        autocommit=True,
        application_name="bench-tiles",
        cursor_factory=psycopg.ClientCursor,
    )


def cuts(shares: list[float]) -> list[float]:
    """The cumulative shares but the last: width_bucket's thresholds for a weighted pick."""
    total, out = 0.0, []
    for share in shares[:-1]:
        total += share
        out.append(round(total, 6))
    return out


def ensure_layer() -> Layer:
    """The bench layer, created or brought to the wanted description."""
    wanted = {
        "title": "Benchmark feedback (synthetic)",
        "description": "Synthetic citizen feedback for bench/tiles.py; not real reports.",
        "geometry_type": "Point",
        "attribute_schema": SCHEMA,
        "name_attribute": "",
        "time_attribute": "reported_at",
        "cluster_attributes": ["status", "category"],
        "is_public": True,
        "is_hidden": False,
        "source": SOURCE,
    }
    layer, _created = Layer.objects.get_or_create(slug=SLUG, defaults=wanted)
    changed = {k: v for k, v in wanted.items() if getattr(layer, k) != v}
    if changed:
        # Only the columns that differ: an UPDATE naming slug, geometry_type or
        # cluster_attributes makes the triggers recount the whole point-count pyramid.
        Layer.objects.filter(pk=layer.pk).update(**changed)
        layer.refresh_from_db()
    return layer


def make_points(conn: psycopg.Connection, layer: Layer, n: int, generation: int) -> None:
    """Replace the layer's points with ``n`` new ones (the same on every machine)."""
    conn.execute("SET max_parallel_workers_per_gather = 0")  # one random() sequence
    conn.execute(CANDIDATES)
    conn.execute("TRUNCATE bench_candidates RESTART IDENTITY")
    kept, attempt = 0, 0
    while kept < n:
        conn.execute("SELECT setseed(%s)", (SEED + attempt / 1000,))
        wanted = n - kept
        conn.execute(
            DRAW,
            {
                "n": int(wanted * 1.5) + 1000,
                "generation": generation,
                "statuses": [v for v, _ in STATUSES],
                "status_cuts": cuts([s for _, s in STATUSES]),
                "categories": [v for v, _ in CATEGORIES],
                "category_cuts": cuts([s for _, s in CATEGORIES]),
                "mix_cuts": cuts([m[3] for m in MIXTURE]),
                "lons": [m[0] for m in MIXTURE],
                "lats": [m[1] for m in MIXTURE],
                "sigmas": [m[2] / KM_PER_DEGREE for m in MIXTURE],
                "west": EVEN_BOX[0],
                "south": EVEN_BOX[1],
                "east": EVEN_BOX[2],
                "north": EVEN_BOX[3],
                "start": REPORTED_FROM,
                "days": REPORTED_DAYS,
            },
        )
        kept = conn.execute("SELECT count(*) FROM bench_candidates").fetchone()[0]
        attempt += 1
    with conn.transaction():
        conn.execute("DELETE FROM layers_feature WHERE layer_id = %s", (layer.id,))
        made = conn.execute(INSERT, {"layer": layer.id, "n": n}).rowcount
        if made != n:
            raise SystemExit(f"made {made} points, not {n}")
    conn.execute("DROP TABLE bench_candidates")
    conn.execute("RESET max_parallel_workers_per_gather")
    # Statistics for the planner and a visibility map for index-only scans.
    conn.execute("VACUUM ANALYZE layers_feature")
    conn.execute("VACUUM ANALYZE tiles_pointcell")


def point_count(conn: psycopg.Connection, layer: Layer) -> int:
    """How many points the layer holds."""
    return conn.execute(
        "SELECT count(*) FROM layers_feature WHERE layer_id = %s", (layer.id,)
    ).fetchone()[0]


def drop_bench_layer() -> None:
    """Remove what this benchmark made (and only that): the layer, its points, the now
    empty cells of its point-count pyramid, its cached tiles and TiPg's view."""
    layer = Layer.objects.filter(slug=SLUG, source=SOURCE).first()
    with connect() as conn:
        conn.execute(f"DROP VIEW IF EXISTS {TIPG_VIEW}")
        if layer is None:
            print("dropped: nothing")
            return
        with conn.transaction():
            gone = conn.execute(
                "DELETE FROM layers_feature WHERE layer_id = %s", (layer.id,)
            ).rowcount
            conn.execute("DELETE FROM layers_layer WHERE id = %s", (layer.id,))
        conn.execute("DELETE FROM tiles_pointcell WHERE layer = %s AND n = 0", (SLUG,))
        conn.execute("DELETE FROM tiles_cachedtile WHERE layers @> ARRAY[%s]::varchar[]", (SLUG,))
    print(f"dropped: {SLUG} ({gone:,} points)")
