"""The point-count pyramid: how many points of each point layer lie in each grid cell.

Level ``z`` has cells of 1/64 of a zoom-``z`` tile (the global grid of zoom z + 6), so a
clustered tile at zoom z reads at most 64 × 64 rows however many points it covers. Rows are
per layer and group: grp '' counts every point, grp "category=cho" those of one value of
a counted attribute; with coordinate sums so that a cell is drawn at the mean of its
points. Triggers keep it current (migration 0003): each write statement adds its new rows
and subtracts its old ones, level ``TOP_LEVEL`` from the rows, every coarser level from the one
below.

The pyramid counts the tables of ``COUNTED_TABLES`` only (its triggers are migrations
0003, 0004 and 0006, over ``FEATURE_ROWS`` and ``FACILITY_ROWS``); a newly declared point
layer clusters with ``cluster_source="grid"``, which the system check enforces (tiles/checks.py).

An import of a new or replaced layer builds the pyramid of its layer once instead
(``recount_layer_sql``, or the importer's own count, importers/cells.py), set-based, from
the table of its own that it fills before swapping it in (importers/swap.py: that table has
no trigger), into a table of the layer's cells swapped in beside it: ``tiles_pointcell``
holds one partition per layer (tiles/cell_partitions.py).
"""

WORLD = 40075016.685578488  # Web Mercator width in metres
HALF = WORLD / 2
# The finest level kept. A cell at level z is drawn only in a zoom-z tile holding more than
# MAX_POINTS_PER_TILE points (tiles/mvt.py), and the finest level's cells are about one per
# point: at a million points spread over the city, level 15 was 750,000 of 1,740,000 cells and
# no zoom-15 tile was dense enough to draw one. So level 15 is not kept: a dense zoom-15 tile
# counts its cells from its points as it is made, and zoom 16 and beyond always carry points.
TOP_LEVEL = 14
CELLS_PER_TILE_SIDE = 64


def cell_size(level: int) -> float:
    """Metres per cell at ``level``."""
    return WORLD / (1 << level) / CELLS_PER_TILE_SIDE


def top_cells_sql(x: str, y: str) -> str:
    """The columns ``cx, cy`` of the level-``TOP_LEVEL`` cell of the Web Mercator point
    (``x``, ``y``: SQL expressions); a coarser level's cell is its cell halved per level."""
    top = cell_size(TOP_LEVEL)
    return (
        f"floor(({x} + {HALF!r}) / {top!r})::int AS cx, "
        f"floor(({HALF!r} - {y}) / {top!r})::int AS cy"
    )


def apply_sql(rows_sql: str, fresh: bool = False) -> str:
    """Upsert the deltas of ``rows_sql`` (columns layer, x, y, grp, sign; Web Mercator x/y)
    into every level of the pyramid, in one statement. ``fresh``: the layers of the rows
    have no cells yet (a recount), so the cells go in in the primary key's order, appended
    to the index rather than scattered over it; a write committed meanwhile still adds up."""
    ctes = [
        f"r AS ({rows_sql})",
        f"l{TOP_LEVEL} AS (SELECT layer, {top_cells_sql('x', 'y')}, grp, sum(sign)::int AS n, "
        "sum(sign * x) AS sx, sum(sign * y) AS sy FROM r GROUP BY 1, 2, 3, 4)",
    ]
    for level in range(TOP_LEVEL - 1, -1, -1):
        ctes.append(
            f"l{level} AS (SELECT layer, cx / 2 AS cx, cy / 2 AS cy, grp, sum(n)::int AS n, "
            f"sum(sx) AS sx, sum(sy) AS sy FROM l{level + 1} GROUP BY 1, 2, 3, 4)"
        )
    union = " UNION ALL ".join(
        f"SELECT {level} AS z, * FROM l{level}" for level in range(TOP_LEVEL + 1)
    )
    return (
        f"WITH {', '.join(ctes)} "
        "INSERT INTO tiles_pointcell AS p (layer, z, cx, cy, grp, n, sx, sy) "
        f"SELECT layer, z, cx, cy, grp, n, sx, sy FROM ({union}) AS d "
        "WHERE NOT (n = 0 AND sx = 0 AND sy = 0) "
        + ("ORDER BY layer, z, cx, cy, grp " if fresh else "")
        + "ON CONFLICT (layer, z, cx, cy, grp) DO UPDATE "
        "SET n = p.n + EXCLUDED.n, sx = p.sx + EXCLUDED.sx, sy = p.sy + EXCLUDED.sy"
    )


# The rows of each table that feeds a point layer: (layer, x, y, grp), Web Mercator. Each
# point gives one row with grp '' (the total) and one "attribute=value" row per counted
# attribute, so a cell knows its total and its counts by status, category, ...
FEATURE_ROWS = (
    "SELECT l.slug::text AS layer, ST_X(m.p) AS x, ST_Y(m.p) AS y, g.grp "
    "FROM {rows} AS t JOIN layers_layer AS l ON l.id = t.layer_id "
    "CROSS JOIN LATERAL (SELECT ST_Transform(ST_PointOnSurface(t.geom), 3857) AS p) AS m "
    "CROSS JOIN LATERAL (SELECT ''::text AS grp UNION ALL "
    "SELECT a || '=' || coalesce(t.attributes ->> a, '') "
    "FROM jsonb_array_elements_text(l.cluster_attributes) AS a) AS g "
    "WHERE l.geometry_type IN ('Point', 'MultiPoint') AND NOT ST_IsEmpty(t.geom)"
)
FACILITY_ROWS = (
    "SELECT 'facilities'::text AS layer, ST_X(m.p) AS x, ST_Y(m.p) AS y, g.grp "
    "FROM {rows} AS t JOIN layers_facilitycategory AS c ON c.id = t.category_id "
    "CROSS JOIN LATERAL (SELECT ST_Transform(t.geom, 3857) AS p) AS m "
    "CROSS JOIN LATERAL (VALUES (''::text), ('category=' || c.code)) AS g (grp)"
)


def signed(rows_template: str, table: str, sign: int) -> str:
    """The rows of ``table`` (a relation or transition table) with a +1/-1 sign column."""
    return f"SELECT s.*, {sign} AS sign FROM ({rows_template.format(rows=table)}) AS s"


def rebuild_sql() -> str:
    """Recompute the whole pyramid from the tables (after a migration or a category rename)."""
    rows = " UNION ALL ".join(
        [signed(FEATURE_ROWS, "layers_feature", 1), signed(FACILITY_ROWS, "layers_facility", 1)]
    )
    return "DELETE FROM tiles_pointcell; " + apply_sql(rows)


# Cells whose points have all gone (deleted or moved away) are dropped by the same trigger,
# found through a partial index that holds only them.
DROP_EMPTY_SQL = "DELETE FROM tiles_pointcell WHERE n <= 0"


# Transaction-local (set_config(..., true)): while it is "on", the feature trigger leaves the
# pyramid alone (migrations 0008, 0010); whoever sets it recounts what it wrote
# (``recount_layer_sql``) before its transaction ends, or deletes the cells itself (a layer's
# deletion, tiles/cell_partitions.py). Imports no longer need it (their rows go to a table of
# their own); bench/pyramid.py writes its points with it.
BULK_SETTING = "commonmap.pyramid_bulk"


# Where the recount keeps the transaction's enable_hashagg while it turns it off.
SAVED_HASHAGG = "commonmap.recount_hashagg"


def recount_layer_sql(source: str = "layers_feature", target: str = "tiles_pointcell") -> str:
    """The cells of one layer (parameters: its slug, then its id) counted again from its
    rows in ``source`` (a relation name: the feature table, or an import's standalone table
    not yet attached to it) into ``target`` (the pyramid, or an import's table of the
    layer's cells, tiles/cell_partitions.py), equal to ``rebuild_sql``'s cells of the layer.

    Built for a million points (bench/pyramid.py): each point's Web Mercator position is
    computed once (a Point is its own point on surface); a layer without counted attributes
    has no per-point list of groups to expand; each level is grouped by sorting on the
    primary key's own order (cx, cy, grp), so the cells go in level by level already in
    order, without one large sort of every level together; JIT is off (compiling this
    statement took longer than the work it saves).

    The cells go in with a plain INSERT, half the cost of ON CONFLICT (a speculative
    insertion per row): the DELETE has just removed the layer's cells from ``target``, and
    an import's own table of cells is seen by no one else until it is swapped in.

    The slug is a parameter, not a subquery: the planner then finds the layer's cells
    through the primary key instead of reading the whole table (2-4 s at 2,000,000 points)."""
    ctes = [
        # The layer, if its points are counted at all, and its groups' names.
        "lay AS MATERIALIZED (SELECT id, slug::text AS slug, cluster_attributes, "
        "cluster_attributes = '[]'::jsonb AS total_only FROM layers_layer "
        "WHERE id = %s AND geometry_type IN ('Point', 'MultiPoint'))",
        # Each point once, with its groups: '' (the total) and one "attribute=value" per
        # counted attribute, listed only for a layer that counts some. OFFSET 0 keeps the
        # subquery whole, so each point is transformed once, not once for each of cx, cy,
        # sx and sy.
        "pts AS (SELECT ST_X(m.p) AS x, ST_Y(m.p) AS y, unnest(CASE WHEN "
        "(SELECT total_only FROM lay) THEN ARRAY[''] ELSE array_prepend('', ARRAY("
        "SELECT a || '=' || coalesce(m.attributes ->> a, '') FROM "
        "jsonb_array_elements_text((SELECT cluster_attributes FROM lay)) AS a)) END) AS grp "
        "FROM (SELECT ST_Transform(CASE WHEN GeometryType(t.geom) = 'POINT' THEN t.geom "
        "ELSE ST_PointOnSurface(t.geom) END, 3857) AS p, t.attributes "
        f"FROM {source} AS t WHERE t.layer_id = (SELECT id FROM lay) "
        "AND NOT ST_IsEmpty(t.geom) OFFSET 0) AS m)",
        f"l{TOP_LEVEL} AS (SELECT {top_cells_sql('x', 'y')}, grp, count(*)::int AS n, "
        "sum(x) AS sx, sum(y) AS sy FROM pts GROUP BY 1, 2, 3 ORDER BY 1, 2, 3)",
    ]
    for level in range(TOP_LEVEL - 1, -1, -1):
        ctes.append(
            f"l{level} AS (SELECT cx / 2 AS cx, cy / 2 AS cy, grp, sum(n)::int AS n, "
            f"sum(sx) AS sx, sum(sy) AS sy FROM l{level + 1} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3)"
        )
    levels = " UNION ALL ".join(
        f"SELECT {level} AS z, * FROM l{level}" for level in range(TOP_LEVEL, -1, -1)
    )
    return (
        "SET LOCAL work_mem = '128MB'; SET LOCAL jit = off; "
        # Sorting then grouping: hashing ~1,000,000 cells then sorting them took 1.5x as long.
        # The transaction's own setting comes back after the statement.
        f"SELECT set_config('{SAVED_HASHAGG}', current_setting('enable_hashagg'), true), "
        "set_config('enable_hashagg', 'off', true); "
        f"DELETE FROM {target} WHERE layer = %s; "
        f"WITH {', '.join(ctes)} "
        f"INSERT INTO {target} (layer, z, cx, cy, grp, n, sx, sy) "
        f"SELECT (SELECT slug FROM lay), z, cx, cy, grp, n, sx, sy FROM ({levels}) AS d; "
        f"SELECT set_config('enable_hashagg', current_setting('{SAVED_HASHAGG}'), true)"
    )


def trigger_function_sql(table: str, rows_template: str, skippable: bool = False) -> str:
    """The statement-level trigger function that applies a write on ``table`` to the
    pyramid: new rows counted in, old rows counted out, emptied cells dropped; when
    ``skippable``, nothing while ``BULK_SETTING`` is on."""
    new = signed(rows_template, "new_rows", 1)
    old = signed(rows_template, "old_rows", -1)
    skip = (
        f"IF current_setting('{BULK_SETTING}', true) = 'on' THEN\n        RETURN NULL;\n    END IF;"
        if skippable
        else ""
    )
    return f"""
CREATE OR REPLACE FUNCTION tiles_cells_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {skip}
    IF TG_OP = 'INSERT' THEN
        {apply_sql(new)};
    ELSIF TG_OP = 'DELETE' THEN
        {apply_sql(old)};
        {DROP_EMPTY_SQL};
    ELSE
        {apply_sql(new + " UNION ALL " + old)};
        {DROP_EMPTY_SQL};
    END IF;
    RETURN NULL;
END
$$;
"""


# The tables whose rows the pyramid's triggers count (FEATURE_ROWS, FACILITY_ROWS).
COUNTED_TABLES = ("layers_feature", "layers_facility")
