"""The benchmark's layers: ``bench-points`` (200,000 points drawn with a fixed seed inside the
current wards, 40 % near Bến Thành) and a quarter and half as many for the memory check, made
once and reused while they hold the right number; and the database session the ways open.
"""

import _common
import psycopg
from django.utils import timezone

from layers.models import BoundaryGeneration, Layer

SLUG = "bench-points"
SOURCE = "bench/features.py: synthetic points, made and removed by the benchmark"
SCHEMA = [
    {"name": "name", "type": "string", "title": "Name", "public": True},
    {"name": "category", "type": "string", "title": "Category", "public": True},
    {"name": "value", "type": "number", "title": "Value", "public": True},
    {"name": "rank", "type": "integer", "title": "Rank", "public": True},
]
CATEGORIES = ["cho", "truong_hoc", "tram_y_te", "cong_vien", "ben_xe", "nha_van_hoa"]
SEED = 20251
CENTRE = (106.6981, 10.7725)  # Bến Thành market
CENTRE_RADIUS_DEG = 0.08  # about 9 km
CENTRE_SHARE = 0.4

# ST_GeneratePoints may return a few points fewer than asked (PostGIS 3.3 gave 199,998 of
# 200,000), so a little more is drawn and the first n are kept, in a fixed order.
MAKE_POINTS = """
WITH city AS (
    SELECT ST_Union(geom) AS geom FROM layers_administrativearea
    WHERE generation_id = %(generation)s AND level = 'ward'
), drawn AS (
    SELECT 1 AS part, d.path, d.geom
    FROM city, ST_Dump(ST_GeneratePoints(city.geom, %(spread)s, %(seed)s)) AS d
    UNION ALL
    SELECT 2, d.path, d.geom
    FROM city, ST_Dump(ST_GeneratePoints(
        ST_Intersection(city.geom, ST_Buffer(ST_SetSRID(ST_MakePoint(%(cx)s, %(cy)s), 4326),
                                             %(radius)s)),
        %(dense)s, %(seed)s + 1)) AS d
), numbered AS (
    SELECT row_number() OVER (ORDER BY part, path) AS i, geom FROM drawn
)
INSERT INTO layers_feature (layer_id, geom, attributes, name, name_search, source_key)
SELECT %(layer)s, geom,
       jsonb_build_object(
           'name', 'Điểm ' || lpad(i::text, 6, '0'),
           'category', (%(categories)s::text[])[1 + i %% cardinality(%(categories)s::text[])],
           'value', round(((i * 7919) %% 100003) / 100.0, 2),
           'rank', 1 + i %% 1000),
       'Điểm ' || lpad(i::text, 6, '0'),
       'diem ' || lpad(i::text, 6, '0'),
       'bench-' || i
FROM numbered WHERE i <= %(n)s
"""


def current_generation() -> BoundaryGeneration:
    """The boundary generation valid today, as the areas layer picks it."""
    today = timezone.localdate()
    return (
        BoundaryGeneration.objects.filter(valid_from__lte=today).exclude(valid_to__lt=today).get()
    )


def slug_for(n: int, points: int) -> str:
    """``bench-points`` for the main layer, ``bench-points-50k`` style for the others."""
    if n == points:
        return SLUG
    return f"{SLUG}-{n // 1000}k" if n % 1000 == 0 else f"{SLUG}-{n}"


def ensure_points(conn: psycopg.Connection, slug: str, n: int, generation: int) -> bool:
    """The layer ``slug`` with ``n`` bench points; True when it had to be (re)made."""
    wanted = {
        "title": f"Benchmark points ({n:,})",
        "description": "Synthetic points for bench/features.py; not real places.",
        "geometry_type": "Point",
        "attribute_schema": SCHEMA,
        "name_attribute": "name",
        "time_attribute": "",
        "is_public": True,
        "is_hidden": False,
        "source": SOURCE,
    }
    layer, _created = Layer.objects.get_or_create(slug=slug, defaults=wanted)
    changed = {k: v for k, v in wanted.items() if getattr(layer, k) != v}
    if changed:
        # Only the columns that differ: an UPDATE naming slug or geometry_type makes the
        # tiles' triggers relabel the point-count cells of every layer.
        Layer.objects.filter(pk=layer.pk).update(**changed)
    have = conn.execute(
        "SELECT count(*) FROM layers_feature WHERE layer_id = %s", (layer.id,)
    ).fetchone()[0]
    if have == n:
        return False
    surplus = n // 100 + 10
    dense = round(n * CENTRE_SHARE)
    with conn.transaction():
        conn.execute("DELETE FROM layers_feature WHERE layer_id = %s", (layer.id,))
        made = conn.execute(
            MAKE_POINTS,
            {
                "layer": layer.id,
                "generation": generation,
                "spread": n - dense + surplus,
                "dense": dense + surplus,
                "seed": SEED,
                "cx": CENTRE[0],
                "cy": CENTRE[1],
                "radius": CENTRE_RADIUS_DEG,
                "categories": CATEGORIES,
                "n": n,
            },
        ).rowcount
        if made != n:
            raise SystemExit(f"made {made} points for {slug}, not {n}")
    return True


def drop_bench_layers() -> None:
    """Remove the layers this benchmark made (and only those)."""
    layers = Layer.objects.filter(slug__startswith=SLUG, source=SOURCE)
    found = dict(layers.values_list("id", "slug"))
    with connect() as conn:
        conn.execute("DELETE FROM layers_feature WHERE layer_id = ANY(%s)", (list(found),))
    layers.delete()
    print("dropped: " + (", ".join(sorted(found.values())) or "nothing"))


def connect() -> psycopg.Connection:
    """A new database session, with the app's session settings (no JIT: see
    geoportal/settings.py)."""
    return psycopg.connect(
        _common.database_url(), options="-c jit=off", autocommit=True, application_name="bench"
    )
