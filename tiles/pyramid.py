"""The point-count pyramid: how many points of each point layer lie in each grid cell.

Level ``z`` has cells of 1/64 of a zoom-``z`` tile (the global grid of zoom z + 6), so a
clustered tile at zoom z reads at most 64 × 64 rows however many points it covers. Rows are
per layer and group: grp '' counts every point, grp "category=cho" those of one value of
a counted attribute; with coordinate sums so that a cell is drawn at the mean of its
points. Triggers keep it current (migration 0003): each write statement adds its new rows
and subtracts its old ones, level 15 from the rows, every coarser level from the one below.

The pyramid counts the tables of ``COUNTED_TABLES`` only (its triggers are migrations
0003, 0004 and 0006, over ``FEATURE_ROWS`` and ``FACILITY_ROWS``); a newly declared point
layer clusters with ``cluster_source="grid"``, which the system check enforces (tiles/checks.py).

A bulk import builds the pyramid of its layer once instead (``recount_layer_sql``): it sets
``BULK_SETTING`` for its own statements only, so that the feature trigger skips them
(migration 0008), and recounts the layer set-based in the same transaction.
"""

WORLD = 40075016.685578488  # Web Mercator width in metres
HALF = WORLD / 2
TOP_LEVEL = 15  # tiles at zoom 16 and beyond always carry points
CELLS_PER_TILE_SIDE = 64


def cell_size(level: int) -> float:
    """Metres per cell at ``level``."""
    return WORLD / (1 << level) / CELLS_PER_TILE_SIDE


def apply_sql(rows_sql: str, fresh: bool = False) -> str:
    """Upsert the deltas of ``rows_sql`` (columns layer, x, y, grp, sign; Web Mercator x/y)
    into every level of the pyramid, in one statement. ``fresh``: the layers of the rows
    have no cells yet (a recount), so the cells go in in the primary key's order, appended
    to the index rather than scattered over it; a write committed meanwhile still adds up."""
    top = cell_size(TOP_LEVEL)
    ctes = [
        f"r AS ({rows_sql})",
        f"l{TOP_LEVEL} AS (SELECT layer, floor((x + {HALF!r}) / {top!r})::int AS cx, "
        f"floor(({HALF!r} - y) / {top!r})::int AS cy, grp, sum(sign)::int AS n, "
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
# pyramid alone; whoever sets it recounts what it wrote (importers.writer.pyramid_built_once) before
# its transaction ends. Only the importer sets it, around its own INSERT / DELETE.
BULK_SETTING = "commonmap.pyramid_bulk"


def recount_layer_sql() -> str:
    """The cells of one layer (parameters: its slug, then its id) counted again from its
    rows, with memory enough for the per-level sums of a million points not to spill to
    disk. The slug is a parameter, not a subquery: the planner then finds the layer's cells
    through the primary key instead of reading the whole table (2-4 s at 2,000,000 points)."""
    rows = signed(FEATURE_ROWS, "(SELECT * FROM layers_feature WHERE layer_id = %s)", 1)
    return (
        "SET LOCAL work_mem = '128MB'; DELETE FROM tiles_pointcell WHERE layer = %s; "
        + apply_sql(rows, fresh=True)
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
