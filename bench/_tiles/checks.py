"""The checks that make the figures results: HTTP tiles are the floor's, a clustered tile's
cells add up to an independent SQL count, a point tile holds exactly the points SQL finds.
"""

import gzip
import json

import mapbox_vector_tile
import psycopg

from _tiles.clients import HttpClient
from _tiles.grid import Tile, TileSet, tile_bounds
from _tiles.layer import SLUG, connect
from _tiles.measure import Figures
from _tiles.tipg import tipg_path
from layers.models import Layer
from tiles.mvt import BUFFER, EXTENT

# The independent counts for the checks: plain comparisons of coordinates.
COUNT_IN_BOX = """
SELECT coalesce(attributes ->> 'status', ''), count(*) FROM layers_feature
WHERE layer_id = %(layer)s AND geom && ST_MakeEnvelope(%(w)s, %(s)s, %(e)s, %(n)s, 4326)
  AND ST_X(geom) >= %(w)s AND ST_X(geom) < %(e)s AND ST_Y(geom) > %(s)s AND ST_Y(geom) <= %(n)s
GROUP BY 1
"""
IDS_IN_BOX = """
SELECT id FROM layers_feature
WHERE layer_id = %(layer)s AND geom && ST_MakeEnvelope(%(w)s, %(s)s, %(e)s, %(n)s, 4326)
  AND ST_X(geom) >= %(w)s AND ST_X(geom) <= %(e)s AND ST_Y(geom) >= %(s)s AND ST_Y(geom) <= %(n)s
"""


def decoded(body: bytes) -> dict:
    """A gzip MVT decoded by mapbox_vector_tile (an independent decoder), y down."""
    if not body:
        return {}
    return mapbox_vector_tile.decode(gzip.decompress(body), default_options={"y_coord_down": True})


def check_same(tile_set: TileSet, figures: Figures) -> list[str]:
    """HTTP tiles are the floor's (same MVT bytes, or the same features when the order of
    rows differs), warm answers the cold ones."""
    problems = []
    for tile in tile_set.tiles:
        raw = figures.floor.bodies[tile]
        cold = figures.cold.bodies[tile]
        if (gzip.decompress(cold) if cold else b"") != raw:
            ours = decoded(gzip.compress(raw, mtime=0) if raw else b"")
            if canonical(decoded(cold)) != canonical(ours):
                problems.append(f"{tile.path}: HTTP and raw SQL tiles differ")
        if figures.warm.bodies.get(tile) != cold:
            problems.append(f"{tile.path}: the warm answer differs from the cold one")
    return problems


def canonical(layers: dict) -> dict:
    """A decoded tile as comparable sets (feature order does not matter)."""
    return {
        name: sorted(
            json.dumps([f.get("id"), f["geometry"], f["properties"]], sort_keys=True)
            for f in layer["features"]
        )
        for name, layer in layers.items()
    }


def check_cells(conn: psycopg.Connection, layer: Layer, tile: Tile, body: bytes) -> list[str]:
    """A clustered tile: its cells' counts add up to an independent SQL count of the points
    inside the tile's bounds, in total and by status, and each cell's counts by status and
    by category add up to its total."""
    cells = decoded(body)[SLUG]["features"]
    west, south, east, north = tile_bounds(tile.z, tile.x, tile.y)
    by_status = dict(
        conn.execute(
            COUNT_IN_BOX, {"layer": layer.id, "w": west, "s": south, "e": east, "n": north}
        ).fetchall()
    )
    problems = []
    total = sum(c["properties"]["count"] for c in cells)
    if total != sum(by_status.values()):
        problems.append(f"{tile.path}: cells count {total}, SQL {sum(by_status.values())}")
    for status, expected in by_status.items():
        got = sum(c["properties"].get(f"count_status_{status}", 0) for c in cells)
        if got != expected:
            problems.append(f"{tile.path}: {got} cells' {status}, SQL {expected}")
    for cell in cells:
        props = cell["properties"]
        for attribute in ("status", "category"):
            part = sum(v for k, v in props.items() if k.startswith(f"count_{attribute}_"))
            if part != props["count"]:
                problems.append(f"{tile.path}: a cell's {attribute} counts add up to {part}")
                break
    if not problems:
        print(
            f"  {tile.path}: {len(cells):,} cells hold {total:,} points = SQL count in the "
            f"tile's bounds; by status too; each cell's status and category counts = its count"
        )
    return problems


def check_points(
    conn: psycopg.Connection, layer: Layer, tile: Tile, got: set[int], buffer: int
) -> str | None:
    """Whether a point tile holds exactly the points inside its bounds widened by
    ``buffer`` tile units (ST_AsMVTGeom keeps those), by feature id: all that SQL finds half
    a pixel inside those bounds, none beyond half a pixel outside them (a point that close
    to the edge is rounded to it); None when it does, else what is wrong."""

    def ids(margin: float) -> set[int]:
        west, south, east, north = tile_bounds(tile.z, tile.x, tile.y, margin)
        params = {"layer": layer.id, "w": west, "s": south, "e": east, "n": north}
        return {r[0] for r in conn.execute(IDS_IN_BOX, params).fetchall()}

    must, may = ids(buffer - 0.5), ids(buffer + 0.5)
    if must <= got <= may:
        return None
    return f"{len(must - got)} points missing, {len(got - may)} too many"


def check_point_tile(conn: psycopg.Connection, layer: Layer, tile: Tile, body: bytes) -> list[str]:
    """Our z16 tile: the points in its buffered bounds, and points only (no cells)."""
    points = decoded(body)[SLUG]["features"]
    wrong = check_points(conn, layer, tile, {p["id"] for p in points}, BUFFER)
    if any("count" in p["properties"] for p in points):
        wrong = "cells in a zoom-16 tile"
    if wrong:
        return [f"{tile.path}: {wrong}"]
    print(
        f"  {tile.path}: {len(points):,} points, the ids SQL finds in its bounds widened by "
        f"the {BUFFER}/{EXTENT} buffer"
    )
    return []


def check_tiles(layer: Layer, results: list[tuple[TileSet, Figures]]) -> list[str]:
    """The z10 centre tile's cells and the z16 centre tile's points against SQL counts;
    the multi-layer tiles hold both layers."""
    problems = []
    with connect() as conn:
        for tile_set, figures in results:
            centre = next(t for t in tile_set.tiles if (t.x, t.y) == tile_set.centre)
            body = figures.cold.bodies[centre]
            if tile_set.layers == SLUG and tile_set.place == "centre" and tile_set.z == 10:
                problems += check_cells(conn, layer, centre, body)
            elif tile_set.layers == SLUG and tile_set.place == "centre" and tile_set.z == 16:
                problems += check_point_tile(conn, layer, centre, body)
            elif tile_set.layers != SLUG and set(decoded(body)) != {"areas", SLUG}:
                problems.append(f"{centre.path}: layers {sorted(decoded(body))}")
    checked = sum(len(s.tiles) for s, _ in results)
    print(
        f"  all {checked} HTTP tiles equal the raw SQL's, cold and warm; the multi-layer "
        "centre tiles hold both layers"
    )
    return problems


def check_tipg(conn: psycopg.Connection, layer: Layer, client: HttpClient, tile: Tile) -> list[str]:
    """TiPg's tile holds the points inside the tile (it selects by the tile's bounds, so
    none from its buffer), by the id it sends as a property."""
    layers = decoded(client.fetch(tile))
    got = {f["properties"]["id"] for layer in layers.values() for f in layer["features"]}
    wrong = check_points(conn, layer, tile, got, 0)
    if wrong:
        return [f"TiPg {tipg_path(tile)}: {wrong}"]
    print(
        f"  TiPg's {tile.z}/{tile.x}/{tile.y}: {len(got):,} points, the ids SQL finds in the tile"
    )
    return []
