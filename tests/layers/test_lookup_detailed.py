"""Lookups on boundaries as detailed as real ones: the subdivided pieces give the answers
the full polygons give, on vertices, on shared edges and inside."""

import itertools
import math
import random
from datetime import date

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.db import connection

from layers import boundaries
from layers.lookup import resolve_points
from layers.models import AreaSubdivision

pytestmark = pytest.mark.django_db

DAY = date(2002, 6, 1)
VERTICES = 3000  # on each of the two wiggly borders
# Codes out of geometric order: on a shared border the lower code must win, not the left.
WEST, MIDDLE, EAST = "91003", "91001", "91002"


def _border(x0: float, seed: int) -> list[tuple[float, float]]:
    """A wiggly line from (x, 10.0) to (x, 11.0), x never more than 0.03 from ``x0``."""
    rng = random.Random(seed)
    waves = [(0.015 / k, 23.0 * k, rng.uniform(0, 6.3)) for k in (1, 2, 4, 8)]
    line = []
    for i in range(VERTICES):
        y = 10.0 + i / (VERTICES - 1)
        wiggle = sum(a * math.sin(f * y + p) for a, f, p in waves)
        line.append((round(x0 + wiggle, 9), round(y, 9)))
    return line


@pytest.fixture
def detailed_generation():
    """A 1° square province cut into three wards by two borders of 3,000 vertices each."""
    generation, _ = boundaries.upsert_generation(
        "test-detailed", name="Detailed", valid_from=date(2002, 1, 1), valid_to=date(2002, 12, 31)
    )
    left, right = _border(106.33, 1), _border(106.66, 2)

    def ring(west_side, east_side):
        # Up the west side, down the east side: a closed ring.
        return Polygon([*west_side, *reversed(east_side), west_side[0]], srid=4326)

    west = ring([(106.0, 10.0), (106.0, 11.0)], left)
    middle = ring(left, right)
    east = ring(right, [(107.0, 10.0), (107.0, 11.0)])
    assert all(p.valid for p in (west, middle, east))
    boundaries.store_areas(
        generation,
        [
            boundaries.AreaInput(
                "91",
                "Tỉnh Chi Tiết",
                "tinh",
                "province",
                None,
                MultiPolygon(Polygon.from_bbox((106.0, 10.0, 107.0, 11.0)), srid=4326),
            ),
            boundaries.AreaInput(WEST, "Xã Tây", "xa", "ward", "91", MultiPolygon(west)),
            boundaries.AreaInput(MIDDLE, "Xã Giữa", "xa", "ward", "91", MultiPolygon(middle)),
            boundaries.AreaInput(EAST, "Xã Đông", "xa", "ward", "91", MultiPolygon(east)),
        ],
    )
    return generation, left + right


def _naive(generation, points) -> list[str | None]:
    """The rule on the full polygons: the lowest ward code covering the point, else the
    lowest covering area of any level, else None."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT (SELECT a.code FROM layers_administrativearea AS a
                    WHERE a.generation_id = %s
                      AND ST_Covers(a.geom, ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326))
                    ORDER BY a.level = 'ward' DESC, a.code LIMIT 1)
            FROM unnest(%s::float8[], %s::float8[]) WITH ORDINALITY AS t (lon, lat, ord)
            ORDER BY t.ord
            """,
            [generation.pk, [p[0] for p in points], [p[1] for p in points]],
        )
        return [r[0] for r in cursor.fetchall()]


def _codes(points) -> list[str | None]:
    generation, results = resolve_points(points, DAY)
    assert generation.slug == "test-detailed"
    return [r.area.code if r.area else None for r in results]


def test_detailed_wards_are_cut_into_small_pieces(detailed_generation):
    generation, _ = detailed_generation
    pieces = AreaSubdivision.objects.filter(generation=generation, level_rank=3)
    assert pieces.count() > 3 * VERTICES // boundaries.SUBDIVIDE_MAX_VERTICES
    assert max(p.geom.num_points for p in pieces) <= boundaries.SUBDIVIDE_MAX_VERTICES + 1


def test_every_border_vertex_gets_the_lowest_covering_code(detailed_generation):
    generation, vertices = detailed_generation
    expected = _naive(generation, vertices)
    assert set(expected) == {MIDDLE}  # every vertex is on the middle ward, the lowest code
    assert _codes(vertices) == expected


def test_points_on_border_edges_get_the_answer_of_the_full_polygons(detailed_generation):
    generation, vertices = detailed_generation
    halves = [
        ((x0 + x1) / 2, (y0 + y1) / 2)
        for (x0, y0), (x1, y1) in itertools.pairwise(vertices)
        if abs(y1 - y0) < 0.01  # not the jump from one border to the other
    ]
    assert _codes(halves) == _naive(generation, halves)


def test_random_points_and_the_outline_get_the_answer_of_the_full_polygons(detailed_generation):
    generation, _ = detailed_generation
    rng = random.Random(17)
    points = [(rng.uniform(105.99, 107.01), rng.uniform(9.99, 11.01)) for _ in range(5000)]
    points += [(106.0, 10.5), (107.0, 11.0), (106.5, 10.0), (106.2, 11.0), (105.5, 10.5)]
    expected = _naive(generation, points)
    assert {WEST, MIDDLE, EAST, None} <= set(expected)
    assert _codes(points) == expected
