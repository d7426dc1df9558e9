"""A generation of realistic ward boundaries for the lookup benchmark (never the demo's).

The demo wards have a few dozen vertices each; real ward boundaries (rivers, canals, lot
lines) have thousands. ``make`` draws such a generation from the current wards with
``detailed.sql`` (densified, displaced by one smooth field, polygonised: a gap-free,
non-overlapping partition) and stores it as a boundary generation of its own, valid in
the year 2000 only, so that no real date routes to it and the API reaches it with
``?date=2000-06-01``. Its lookup pieces are filled by the app's own
``layers.boundaries.rebuild_subdivisions``.

It is written with ``session_replication_role = replica`` (the dev cluster's role is a
superuser): the dashboard's triggers would otherwise recompute the facts of every feedback
item (millions in a benchmarked database) for a generation only this benchmark reads, and
the tile cache has nothing to forget for a generation that is not in force.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db import connection, transaction

from layers.boundaries import rebuild_subdivisions
from layers.models import BoundaryGeneration

SLUG = "bench-lookup-detailed"
VALID_FROM, VALID_TO = date(2000, 1, 1), date(2000, 12, 31)
SQL = (Path(__file__).parent / "detailed.sql").read_text()


@dataclass(frozen=True)
class Shapes:
    """What a generation's wards are like: how many, vertices per ward, lookup pieces."""

    generation: BoundaryGeneration
    wards: int
    vertices_avg: int
    vertices_min: int
    vertices_max: int
    pieces: int


def describe(generation: BoundaryGeneration) -> Shapes:
    """Vertices per ward and the lookup pieces of ``generation``."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*), avg(ST_NPoints(geom))::int, min(ST_NPoints(geom)),
                   max(ST_NPoints(geom)),
                   (SELECT count(*) FROM layers_areasubdivision WHERE generation_id = %s)
            FROM layers_administrativearea WHERE generation_id = %s AND level = 'ward'
            """,
            [generation.pk, generation.pk],
        )
        return Shapes(generation, *cursor.fetchone())


def _without_triggers(cursor) -> None:
    cursor.execute("SET LOCAL session_replication_role = replica")


def drop() -> bool:
    """Remove the detailed generation, its areas and pieces; False when there was none."""
    generation = BoundaryGeneration.objects.filter(slug=SLUG).first()
    if generation is None:
        return False
    with transaction.atomic(), connection.cursor() as cursor:
        _without_triggers(cursor)  # and so no cascades: children first, by hand
        for statement in (
            "DELETE FROM layers_areasubdivision WHERE generation_id = %s",
            "DELETE FROM layers_administrativearea WHERE generation_id = %s AND level = 'ward'",
            "DELETE FROM layers_administrativearea WHERE generation_id = %s",
            "DELETE FROM layers_boundarygeneration WHERE id = %s",
        ):
            cursor.execute(statement, [generation.pk])
    settle()
    return True


def make(source: BoundaryGeneration, spacing: float, amplitude: float) -> BoundaryGeneration:
    """The detailed generation drawn from ``source``'s wards (made once, reused after)."""
    existing = BoundaryGeneration.objects.filter(slug=SLUG).first()
    if existing is not None:
        return existing
    with transaction.atomic(), connection.cursor() as cursor:
        _without_triggers(cursor)
        generation = BoundaryGeneration.objects.create(
            slug=SLUG,
            name="Lookup benchmark: detailed wards",
            valid_from=VALID_FROM,
            valid_to=VALID_TO,
            description=f"bench/lookup.py: {source.slug} densified to {spacing} m, "
            f"displaced by up to about {2 * amplitude:.0f} m",
        )
        values = {
            "generation": generation.pk,
            "source": source.pk,
            "spacing": spacing,
            "amplitude": amplitude,
        }
        cursor.execute(
            f"""
            WITH detailed AS ({SQL})
            INSERT INTO layers_administrativearea
                (generation_id, code, name, name_search, area_type, level, geom,
                 geometry_is_synthetic, geometry_source)
            SELECT %(generation)s, a.code, a.name, a.name_search, a.area_type, a.level, d.geom,
                   true, 'bench/lookup.py'
            FROM detailed AS d JOIN layers_administrativearea AS a ON a.id = d.id
            """,
            values,
        )
        # The parents: the source's, each the union of its detailed children.
        for level in ("district", "province"):
            cursor.execute(
                """
                INSERT INTO layers_administrativearea
                    (generation_id, code, name, name_search, area_type, level, geom,
                     geometry_is_synthetic, geometry_source)
                SELECT %(generation)s, p.code, p.name, p.name_search, p.area_type, p.level,
                       ST_Multi(ST_Union(d.geom)), true, 'bench/lookup.py'
                FROM layers_administrativearea AS p
                JOIN layers_administrativearea AS s ON s.parent_id = p.id
                JOIN layers_administrativearea AS d
                  ON d.generation_id = %(generation)s AND d.code = s.code
                WHERE p.generation_id = %(source)s AND p.level = %(level)s
                GROUP BY p.id
                """,
                {**values, "level": level},
            )
        cursor.execute(
            """
            UPDATE layers_administrativearea AS d SET parent_id = dp.id
            FROM layers_administrativearea AS s
            JOIN layers_administrativearea AS sp ON sp.id = s.parent_id
            JOIN layers_administrativearea AS dp
              ON dp.generation_id = %(generation)s AND dp.code = sp.code
            WHERE d.generation_id = %(generation)s AND s.generation_id = %(source)s
              AND s.code = d.code
            """,
            values,
        )
        rebuild_subdivisions(generation)
    settle()
    return generation


def settle() -> None:
    """VACUUM ANALYZE the tables written: dead pieces left in the GiST index by a rebuild
    are visited by every probe until autovacuum comes (a lookup twice as slow), and the
    planner must know how many pieces each generation has."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE layers_areasubdivision, layers_administrativearea")
