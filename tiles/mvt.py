"""Mapbox Vector Tiles made by PostGIS for any layers of the registry, in one statement.

Each layer becomes one ``ST_AsMVT`` over ``ST_AsMVTGeom`` of its rows inside the tile;
several layers are concatenated (``||``: an MVT is a sequence of layers), so a
multi-layer tile costs one round trip. Only public properties are written. Lines and
polygons are simplified to the zoom (half a tile pixel). Point layers carry grid cells
with counts (total and per group, e.g. category) instead of points below their
``cluster_below`` zoom, and up to zoom 15 wherever a tile would hold more than
``MAX_POINTS_PER_TILE`` points: the cells come from the point-count pyramid
(tiles/pyramid.py), so a low-zoom tile over two million points reads a few thousand rows.
The pyramid keeps levels up to ``TOP_LEVEL`` (14); a dense zoom-15 tile counts its cells
from its points as it is made. Whether a tile is dense is read from the one cell six
levels up that covers it exactly.
A layer whose ``cluster_source`` is "grid" (feedback: rows written one at a time by many
clients) has its cells counted from the tile's points instead, below ``cluster_below`` only;
one whose source is "deltas" (feedback) reads the pyramid's compacted cells plus the pending
deltas its triggers appended (tiles/cell_deltas.py).
"""

from psycopg import sql

from layers.spec import MAX_ZOOM as MAX_ZOOM  # the tiles' deepest zoom, declared once
from layers.spec import LayerSpec
from layers.writable import writable_sql
from tiles.pyramid import TOP_LEVEL
from tiles.sql import load_sql

EXTENT = 4096
BUFFER = 64  # tile units each side: lines and labels cross tile edges cleanly
CELLS = 64  # aggregate grid: CELLS × CELLS cells per tile
MAX_POINTS_PER_TILE = 8000  # about 200 KB of points; denser tiles carry cells instead
CELLS_UP_TO_ZOOM = 15  # zoom 16 and beyond always carry points
TILE_CELL_LEVELS = 6  # a level-z cell is 1/64 (2^-6) of a zoom-z tile: a zoom-(z+6) tile
WEB_MERCATOR_WIDTH = 40075016.685578488  # metres, the whole world at z0


def tile_width(z: int) -> float:
    """The width of a tile at zoom ``z`` in Web Mercator metres."""
    return WEB_MERCATOR_WIDTH / (1 << z)


def _file(file: str, **parts: sql.Composable) -> sql.Composed:
    """The skeleton ``tiles/sql/<file>.sql`` filled with ``parts``."""
    return sql.SQL(load_sql(file)).format(**parts)


def tile_geometry(spec: LayerSpec, z: int, extent: int, simplify: bool) -> sql.Composed:
    """The layer's geometry, made writable, in Web Mercator; lines and polygons simplified
    by half a pixel of a tile ``extent`` pixels wide at zoom ``z`` (invisible, and it keeps
    tiles of big polygons small). The raster tiles draw the same geometry."""
    geom = sql.SQL("ST_Transform({}, 3857)").format(writable_sql(spec.geometry()))
    if not simplify:
        return geom
    tolerance = tile_width(z) / extent / 2
    return sql.SQL("ST_SimplifyPreserveTopology({}, {})").format(geom, sql.Literal(tolerance))


def _attributes(spec: LayerSpec) -> sql.Composable:
    """Public, scalar properties as one jsonb, which ST_AsMVT spreads into tags."""
    pairs = [
        sql.SQL("{}, {}").format(sql.Literal(f.name), f.expression())
        for f in spec.fields
        if f.public and f.type != "object"
    ]
    if not pairs:
        return sql.SQL("'{}'::jsonb")
    # jsonb_build_object takes at most 100 arguments: chunks of 50 pairs joined as jsonb.
    chunks = [sql.SQL(", ").join(pairs[i : i + 50]) for i in range(0, len(pairs), 50)]
    return sql.SQL(" || ").join(sql.SQL("jsonb_build_object({})").format(c) for c in chunks)


def _features_sql(spec: LayerSpec, z: int) -> sql.Composed:
    points = spec.geometry_type in ("Point", "MultiPoint")
    feature_id = (
        sql.SQL("({})::bigint").format(spec.identifier())
        if spec.id_type == "integer"
        else sql.SQL("NULL::bigint")
    )
    return _file(
        "mvt_points",
        geom=tile_geometry(spec, z, EXTENT, simplify=not points),
        extent=sql.Literal(EXTENT),
        buffer=sql.Literal(BUFFER),
        feature_id=feature_id,
        attributes=_attributes(spec),
        source=spec.from_clause(),
        where=spec.where_clause(),
        column=spec.geometry(),
    )


def _rows_in_tile(spec: LayerSpec, z: int, x: int, y: int, cells: int = CELLS) -> sql.Composed:
    """The cells of the layer inside the tile (level z: 64 × 64 cells per tile, or
    ``cells`` × ``cells``): the pyramid rows, or for a layer clustered from deltas the
    compacted cells plus its pending deltas, summed per cell and group
    (tiles/cell_deltas.py), with the same columns."""
    where = {
        "layer": sql.Literal(spec.slug),
        "z": sql.Literal(z),
        "x": sql.Literal(x),
        "y": sql.Literal(y),
        "cells": sql.Literal(cells),
        "last": sql.Literal(cells - 1),
    }
    if spec.cluster_source == "deltas":
        return _file("mvt_delta_rows", scale=sql.Literal(1 << (TOP_LEVEL - z)), **where)
    return _file("mvt_pyramid_rows", **where)


def _clusters_sql(spec: LayerSpec, z: int, x: int, y: int) -> sql.Composed:
    """Cells with counts from the pyramid: ``count``, and ``count_<attribute>_<value>``;
    beyond the pyramid's finest level, the same cells counted from the tile's points."""
    if z > TOP_LEVEL:
        return _grid_sql(spec, z)
    return _file("mvt_pyramid_cells", extent=sql.Literal(EXTENT), rows=_rows_in_tile(spec, z, x, y))


def _count_rows(spec: LayerSpec, z: int, x: int, y: int) -> sql.Composed:
    """Rows whose total (group '') is the number of the layer's points in the tile: from
    zoom 6 on, the one cell six levels up that is this tile (level z - 6 cells are zoom-z
    tiles, numbered alike), so one row instead of up to 64 × 64; below, the tile's own."""
    if z >= TILE_CELL_LEVELS:
        return _rows_in_tile(spec, z - TILE_CELL_LEVELS, x, y, cells=1)
    return _rows_in_tile(spec, z, x, y)


def _grid_sql(spec: LayerSpec, z: int) -> sql.Composed:
    """Cells counted from the layer's points inside the tile as it is made (no pyramid):
    the same ``count``, ``cluster`` and ``count_<attribute>_<value>`` as ``_clusters_sql``."""
    fields = {f.name: f for f in spec.fields}
    groups = [name.strip() for name in (spec.group_by or "").split(",") if name.strip()]
    columns = [sql.Identifier(f"g{i}") for i in range(len(groups))]
    group_columns = sql.SQL("").join(
        sql.SQL(", {} AS {}").format(fields[name].text(), column)
        for name, column in zip(groups, columns, strict=True)
    )
    per_group = sql.SQL(" UNION ALL ").join(
        sql.SQL(
            "SELECT cx, cy, {prefix} || coalesce({g}, '') AS k, count(*) AS n "
            "FROM pts GROUP BY cx, cy, {g}"
        ).format(prefix=sql.Literal(f"count_{name}_"), g=column)
        for name, column in zip(groups, columns, strict=True)
    )
    counted = (
        _file("mvt_grid_counts", per_group=per_group)
        if groups
        else sql.SQL("SELECT NULL::int AS cx, NULL::int AS cy, NULL::jsonb AS counts")
    )
    return _file(
        "mvt_grid_cells",
        width=sql.Literal(tile_width(z) / CELLS),
        group_columns=group_columns,
        source=spec.from_clause(),
        geom=writable_sql(spec.geometry()),
        where=spec.where_clause(),
        column=spec.geometry(),
        counted=counted,
        extent=sql.Literal(EXTENT),
    )


def clustered(spec: LayerSpec, z: int) -> bool:
    """Whether this layer's tiles at zoom ``z`` always hold cells instead of points."""
    return spec.cluster_below is not None and z < spec.cluster_below


def _layer_sql(spec: LayerSpec, z: int, x: int, y: int) -> sql.Composed:
    """The layer's MVT: points, or cells when the zoom is low or the tile too dense."""

    def mvt(rows: sql.Composable) -> sql.Composed:
        name = sql.Literal(spec.slug)
        return _file("mvt_layer", name=name, extent=sql.Literal(EXTENT), rows=rows)

    points = mvt(_features_sql(spec, z))
    if spec.cluster_below is None or z > CELLS_UP_TO_ZOOM:
        return points
    if spec.cluster_source == "grid":
        return mvt(_grid_sql(spec, z)) if clustered(spec, z) else points
    if clustered(spec, z):
        return mvt(_clusters_sql(spec, z, x, y))
    # Dense tiles below zoom 16 carry cells too: the pyramid says how many points there are.
    return _file(
        "mvt_dense_or_points",
        rows=_count_rows(spec, z, x, y),
        max_points=sql.Literal(MAX_POINTS_PER_TILE),
        cells=mvt(_clusters_sql(spec, z, x, y)),
        points=points,
    )


def tile_sql(specs: list[LayerSpec], z: int, x: int, y: int) -> sql.Composed:
    """One statement returning the tile (bytea; empty when no layer has features) and the
    snapshot it was read under (for the cache, tiles/cache.py). A layer is drawn only at
    the zooms it declares (``minzoom``..``maxzoom``, as its TileJSON says).

    Composed whole, every value a literal, and run without parameters: an imported
    layer's property names come from its file and may hold ``%``, which the driver would
    otherwise read as a placeholder.
    """
    return _file(
        "mvt_tile",
        buffer=sql.Literal(tile_width(z) * BUFFER / EXTENT),
        z=sql.Literal(z),
        x=sql.Literal(x),
        y=sql.Literal(y),
        layers=sql.SQL(" || ").join(
            [_layer_sql(spec, z, x, y) for spec in specs if spec.minzoom <= z <= spec.maxzoom]
            or [sql.SQL("''::bytea")]
        ),
    )
