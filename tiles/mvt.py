"""Mapbox Vector Tiles made by PostGIS for any layers of the registry, in one statement.

Each layer becomes one ``ST_AsMVT`` over ``ST_AsMVTGeom`` of its rows inside the tile;
several layers are concatenated (``||``: an MVT is a sequence of layers), so a
multi-layer tile costs one round trip. Only public properties are written. Lines and
polygons are simplified to the zoom (half a tile pixel). Point layers carry grid cells
with counts (total and per group, e.g. category) instead of points below their
``cluster_below`` zoom, and up to zoom 15 wherever a tile would hold more than
``MAX_POINTS_PER_TILE`` points: the cells come from the point-count pyramid
(tiles/pyramid.py), so a low-zoom tile over two million points reads a few thousand rows.
A layer whose ``cluster_source`` is "grid" (feedback: rows written one at a time by many
clients) has its cells counted from the tile's points instead, below ``cluster_below`` only.
"""

import re

from layers.spec import LayerSpec, sql_literal
from layers.writable import writable_sql
from tiles.pyramid import TOP_LEVEL

EXTENT = 4096
BUFFER = 64  # tile units each side: lines and labels cross tile edges cleanly
CELLS = 64  # aggregate grid: CELLS × CELLS cells per tile
MAX_ZOOM = 22
MAX_POINTS_PER_TILE = 8000  # about 200 KB of points; denser tiles carry cells instead
WEB_MERCATOR_WIDTH = 40075016.685578488  # metres, the whole world at z0

_PARAM = re.compile(r"%\((\w+)\)s")


def tile_width(z: int) -> float:
    """The width of a tile at zoom ``z`` in Web Mercator metres."""
    return WEB_MERCATOR_WIDTH / (1 << z)


def _rename_params(sql: str, prefix: str, keep: set[str]) -> str:
    """Give a layer's own parameters a prefix, so that two layers' %(layer_id)s differ."""
    return _PARAM.sub(
        lambda m: m.group(0) if m.group(1) in keep else f"%({prefix}{m.group(1)})s", sql
    )


def _quoted(name: str) -> str:
    return sql_literal(name)


def _attributes(spec: LayerSpec) -> str:
    """Public, scalar properties as one jsonb, which ST_AsMVT spreads into tags."""
    pairs = [
        f"{_quoted(f.name)}, {f.expression}" for f in spec.fields if f.public and f.type != "object"
    ]
    if not pairs:
        return "'{}'::jsonb"
    chunks = [pairs[i : i + 50] for i in range(0, len(pairs), 50)]
    return " || ".join(f"jsonb_build_object({', '.join(chunk)})" for chunk in chunks)


def _features_sql(spec: LayerSpec, z: int) -> str:
    geom = f"ST_Transform({writable_sql(spec.geom_sql)}, 3857)"
    if spec.geometry_type not in ("Point", "MultiPoint"):
        # Half a pixel of this zoom: invisible, and it keeps tiles of big polygons small.
        tolerance = tile_width(z) / EXTENT / 2
        geom = f"ST_SimplifyPreserveTopology({geom}, {tolerance!r})"
    feature_id = f"({spec.id_sql})::bigint" if spec.id_type == "integer" else "NULL::bigint"
    return (
        f"SELECT ST_AsMVTGeom({geom}, _tile.e, {EXTENT}, {BUFFER}, true) AS geom, "
        f"{feature_id} AS fid, {_attributes(spec)} AS attrs "
        f"FROM {spec.from_sql}, _tile "
        f"WHERE ({spec.where_sql}) AND {spec.geom_sql} && _tile.e4326"
    )


def _cells_in_tile(spec: LayerSpec) -> str:
    """The pyramid rows of this layer inside the tile (level z: 64 × 64 cells per tile)."""
    return (
        f"FROM tiles_pointcell AS c WHERE c.layer = {_quoted(spec.slug)} AND c.z = %(z)s "
        f"AND c.cx BETWEEN %(x)s * {CELLS} AND %(x)s * {CELLS} + {CELLS - 1} "
        f"AND c.cy BETWEEN %(y)s * {CELLS} AND %(y)s * {CELLS} + {CELLS - 1} AND c.n > 0"
    )


def _clusters_sql(spec: LayerSpec) -> str:
    """Cells with counts from the pyramid: ``count``, and ``count_<attribute>_<value>``."""
    return (
        "SELECT ST_AsMVTGeom(ST_SetSRID(ST_MakePoint("
        "sum(c.sx) FILTER (WHERE c.grp = '') / sum(c.n) FILTER (WHERE c.grp = ''), "
        "sum(c.sy) FILTER (WHERE c.grp = '') / sum(c.n) FILTER (WHERE c.grp = '')), 3857), "
        f"(SELECT e FROM _tile), {EXTENT}, 0, true) AS geom, NULL::bigint AS fid, "
        "jsonb_build_object('count', sum(c.n) FILTER (WHERE c.grp = '')::int, 'cluster', true) "
        "|| coalesce(jsonb_object_agg('count_' || replace(c.grp, '=', '_'), c.n) "
        f"FILTER (WHERE c.grp <> ''), '{{}}'::jsonb) AS attrs {_cells_in_tile(spec)} "
        "GROUP BY c.cx, c.cy HAVING sum(c.n) FILTER (WHERE c.grp = '') > 0"
    )


def _grid_sql(spec: LayerSpec, z: int) -> str:
    """Cells counted from the layer's points inside the tile as it is made (no pyramid):
    the same ``count``, ``cluster`` and ``count_<attribute>_<value>`` as ``_clusters_sql``."""
    width = tile_width(z) / CELLS
    fields = {f.name: f for f in spec.fields}
    groups = [name.strip() for name in (spec.group_by or "").split(",") if name.strip()]
    group_columns = "".join(
        f", ({fields[name].expression})::text AS g{i}" for i, name in enumerate(groups)
    )
    per_group = " UNION ALL ".join(
        f"SELECT cx, cy, {_quoted('count_' + name + '_')} || coalesce(g{i}, '') AS k, "
        f"count(*) AS n FROM pts GROUP BY cx, cy, g{i}"
        for i, name in enumerate(groups)
    )
    counted = (
        f", counted AS (SELECT cx, cy, jsonb_object_agg(k, n) AS counts FROM ({per_group}) AS s "
        "GROUP BY cx, cy)"
        if groups
        else ", counted AS (SELECT NULL::int AS cx, NULL::int AS cy, NULL::jsonb AS counts)"
    )
    return (
        "WITH pts AS (SELECT ST_X(m.p) AS x, ST_Y(m.p) AS y, "
        f"floor((ST_X(m.p) - ST_XMin(_tile.e)) / {width!r})::int AS cx, "
        f"floor((ST_YMax(_tile.e) - ST_Y(m.p)) / {width!r})::int AS cy{group_columns} "
        f"FROM {spec.from_sql}, _tile "
        f"CROSS JOIN LATERAL (SELECT ST_Transform({writable_sql(spec.geom_sql)}, 3857) AS p) AS m "
        f"WHERE ({spec.where_sql}) AND {spec.geom_sql} && _tile.e4326_inner "
        "AND ST_Intersects(m.p, _tile.e)), "
        "cells AS (SELECT cx, cy, count(*) AS n, avg(x) AS ax, avg(y) AS ay FROM pts "
        f"GROUP BY cx, cy){counted} "
        "SELECT ST_AsMVTGeom(ST_SetSRID(ST_MakePoint(cells.ax, cells.ay), 3857), "
        f"(SELECT e FROM _tile), {EXTENT}, 0, true) AS geom, NULL::bigint AS fid, "
        "jsonb_build_object('count', cells.n::int, 'cluster', true) "
        "|| coalesce(counted.counts, '{}'::jsonb) AS attrs "
        "FROM cells LEFT JOIN counted ON counted.cx = cells.cx AND counted.cy = cells.cy"
    )


def clustered(spec: LayerSpec, z: int) -> bool:
    """Whether this layer's tiles at zoom ``z`` always hold cells instead of points."""
    return spec.cluster_below is not None and z < spec.cluster_below


def _layer_sql(spec: LayerSpec, z: int) -> str:
    """The layer's MVT: points, or cells when the zoom is low or the tile too dense."""

    def mvt(body: str) -> str:
        return (
            f"(SELECT coalesce(ST_AsMVT(q, {_quoted(spec.slug)}, {EXTENT}, 'geom', 'fid'), "
            f"''::bytea) FROM ({body}) AS q WHERE q.geom IS NOT NULL)"
        )

    points = mvt(_features_sql(spec, z))
    if spec.cluster_below is None or z > TOP_LEVEL:
        return points
    if spec.cluster_source == "grid":
        return mvt(_grid_sql(spec, z)) if clustered(spec, z) else points
    if clustered(spec, z):
        return mvt(_clusters_sql(spec))
    # Dense tiles below zoom 16 carry cells too: the pyramid says how many points there are.
    return (
        f"(CASE WHEN (SELECT coalesce(sum(c.n), 0) {_cells_in_tile(spec)} AND c.grp = '') > "
        f"{MAX_POINTS_PER_TILE} THEN {mvt(_clusters_sql(spec))} ELSE {points} END)"
    )


def tile_sql(specs: list[LayerSpec], z: int, x: int, y: int) -> tuple[str, dict]:
    """One statement returning the tile (bytea; empty when no layer has features) and the
    snapshot it was read under (for the cache, tiles/cache.py)."""
    params: dict = {"z": z, "x": x, "y": y, "buffer": tile_width(z) * BUFFER / EXTENT}
    parts = []
    for i, spec in enumerate(specs):
        prefix = f"l{i}_"
        parts.append(_rename_params(_layer_sql(spec, z), prefix, keep={"z", "x", "y"}))
        params.update({prefix + k: v for k, v in spec.params.items()})
    sql = (
        "WITH _tile AS MATERIALIZED (SELECT e, "
        "ST_Transform(ST_Expand(e, %(buffer)s), 4326) AS e4326, "
        "ST_Transform(e, 4326) AS e4326_inner "
        "FROM (SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS e) AS t) "
        f"SELECT {' || '.join(parts)}, pg_current_snapshot()::text"
    )
    return sql, params
