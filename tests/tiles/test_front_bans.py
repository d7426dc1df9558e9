"""The bans the purger sends (tiles/front_bans.py): the tiles under a box, checked against
the PG tile cache's own rule in PostGIS (a tile's envelope expanded by its buffer, clipped
to the world, ``&&`` the box: tiles/sql/cache_store.sql), and the expressions' shape and
limits."""

import re

import pytest
from django.db import connection

from tiles.front_bans import (
    EVERYTHING,
    MAX_EXPRESSION,
    Forget,
    bans_for,
    parse,
    tile_pattern,
    tile_range,
)
from tiles.mvt import BUFFER, EXTENT, MAX_ZOOM, tile_width

BEN_THANH = (106.7009, 10.7769)
POINT = (*BEN_THANH, *BEN_THANH)
DISTRICT_1 = (106.68, 10.76, 106.71, 10.80)
VIETNAM_SOUTH = (104.5, 8.4, 109.5, 12.6)


def _postgis_tiles(box, z, around) -> set[tuple[int, int]]:
    """The tiles of zoom ``z`` within ``around`` (x0, x1, y0, y1) that the PG cache's rule
    says a write inside ``box`` touches, in exact arithmetic: ``&&`` itself compares float4
    boxes rounded outwards, so the PG cache forgets up to a metre more."""
    x0, x1, y0, y1 = around
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT x, y FROM generate_series(%(x0)s, %(x1)s) AS x, "
            "generate_series(%(y0)s, %(y1)s) AS y "
            "WHERE ST_Intersects(ST_Transform(ST_ClipByBox2D(ST_Expand("
            "ST_TileEnvelope(%(z)s, x, y), %(buffer)s), ST_TileEnvelope(0, 0, 0)), 4326), "
            "ST_MakeEnvelope(%(w)s, %(s)s, %(e)s, %(n)s, 4326))",
            {
                "x0": x0,
                "x1": x1,
                "y0": y0,
                "y1": y1,
                "z": z,
                "buffer": tile_width(z) * BUFFER / EXTENT,
                "w": box[0],
                "s": box[1],
                "e": box[2],
                "n": box[3],
            },
        )
        return set(cursor.fetchall())


@pytest.mark.django_db
@pytest.mark.parametrize("box", [POINT, DISTRICT_1, VIETNAM_SOUTH, (106.7, 10.77, 106.7, 10.77)])
def test_tile_range_is_the_pg_cache_rule_at_every_zoom(box):
    for z in range(MAX_ZOOM + 1):
        x_min, x_max, y_min, y_max = tile_range(box, z)
        if (x_max - x_min + 1) * (y_max - y_min + 1) > 4000:
            continue  # the rule holds; PostGIS would only take long to say so
        last = (1 << z) - 1
        around = (max(0, x_min - 2), min(last, x_max + 2), max(0, y_min - 2), min(last, y_max + 2))
        expected = _postgis_tiles(box, z, around)
        listed = {(x, y) for x in range(x_min, x_max + 1) for y in range(y_min, y_max + 1)}
        assert listed == expected, (z, box)


@pytest.mark.django_db
def test_the_edge_tiles_of_the_world_are_found_on_their_own_side():
    # Low zooms: Bến Thành is in the east edge tile (1/1/0, 2/3/1), whose buffer crosses 180°.
    assert tile_range(POINT, 1) == (1, 1, 0, 0)
    assert tile_range(POINT, 2) == (3, 3, 1, 1)
    assert _postgis_tiles(POINT, 1, (0, 1, 0, 1)) == {(1, 0)}


@pytest.mark.django_db
def test_a_box_on_a_tile_edge_never_misses_a_tile():
    # The west edge of tile 14/13048/*: floating point must not drop the tile beside it.
    west = 13048 / 2**14 * 360 - 180
    box = (west, 10.77, west, 10.77)
    for z in (14, 18, 22):
        x_min, x_max, y_min, y_max = tile_range(box, z)
        around = (x_min - 2, x_max + 2, y_min - 2, y_max + 2)
        listed = {(x, y) for x in range(x_min, x_max + 1) for y in range(y_min, y_max + 1)}
        assert _postgis_tiles(box, z, around) <= listed


def test_a_point_bans_one_or_two_tiles_per_zoom_and_nothing_else():
    pattern = re.compile(tile_pattern([POINT]))
    x, y = 13048, 7698  # Bến Thành at zoom 14
    assert pattern.match(f"14/{x}/{y}")
    assert not pattern.match(f"14/{x + 1}/{y}") and not pattern.match(f"14/{x}/{y - 1}")
    assert not pattern.match(f"15/{x}/{y}") and not pattern.match(f"14/{x}/{y}/1")
    assert pattern.match("0/0/0")


def test_a_big_box_bans_deep_zooms_whole():
    pattern = re.compile(tile_pattern([VIETNAM_SOUTH]))
    assert pattern.match("22/1/1") and pattern.match("16/0/0")
    assert not pattern.match("6/0/0")  # still listed at zoom 6: far from the box


def test_a_point_write_bans_its_tiles_and_the_layers_json_answers():
    json_answers, tiles = bans_for([Forget("feedback", POINT)])
    assert json_answers == "obj.http.X-Cm-Layers ~ ,feedback, && obj.http.Content-Type ~ json"
    assert tiles.startswith("obj.http.X-Cm-Layers ~ ,feedback, && obj.http.X-Cm-Tile ~ ^(0/0/0|")
    assert '"' not in tiles and " " not in tiles.split(" ~ ")[-1]


def test_a_whole_layer_and_the_registry_marker():
    assert bans_for([Forget("parks"), Forget("*"), Forget("parks", POINT)]) == [
        "obj.http.X-Cm-Layers ~ ,parks,",
        "obj.http.X-Cm-Layers ~ ,[*],",
    ]


def test_everything_wins_over_the_rest_of_a_batch():
    assert bans_for([Forget("parks", POINT), EVERYTHING]) == ["obj.http.X-Cm-Layers ~ ."]


def test_a_name_that_cannot_be_a_regex_safely_bans_everything():
    assert bans_for([Forget('bad" name')]) == ["obj.http.X-Cm-Layers ~ ."]
    assert bans_for([Forget("v1.2")]) == ["obj.http.X-Cm-Layers ~ ,v1[.]2,"]


def test_many_scattered_writes_stay_one_short_expression_per_layer():
    points = [(106.6 + i / 100, 10.7 + i / 200) * 2 for i in range(500)]
    bans = bans_for([Forget("feedback", p) for p in points])
    assert len(bans) == 2 and all(len(b) <= MAX_EXPRESSION for b in bans)
    assert re.search(r"\(([0-9]+\|)+[0-9]+\)/\[0-9\]\+/\[0-9\]\+\)\$$", bans[1])


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("garbage", "Expecting value"),
        ("[1]", "not a JSON object"),
        ('{"bbox": [1, 2, 3, 4]}', "no layer"),
        ('{"layer": "a", "bbox": [1, 2, 3]}', "bbox is not four numbers"),
        ('{"layer": "a", "bbox": [1, 2, "3", 4]}', "bbox is not four numbers"),
        ('{"layer": "a", "bbox": [3, 2, 1, 4]}', "bbox is inverted"),
        ('{"layer": "a"}', "bbox is not four numbers"),
    ],
)
def test_bad_payloads_are_refused(payload, message):
    with pytest.raises(ValueError, match=message):
        parse(payload)


def test_payloads_as_the_database_writes_them():
    assert parse('{"all": true}') == EVERYTHING
    assert parse('{"layer": "*", "whole": true}') == Forget("*")
    assert parse('{"layer": "a", "bbox": [1, 2, 3.5, 4]}') == Forget("a", (1, 2, 3.5, 4))
