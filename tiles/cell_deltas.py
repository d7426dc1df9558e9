"""The cells of a layer written one row at a time by many clients (feedback): the point
pyramid's compacted rows plus an append-only log of deltas.

Upserting the same coarse cells from concurrent reports would queue them on row locks, so
the layer's statement triggers (migration 0009) only *insert* into ``tiles_pointdelta``:
one row per public point and group, +1 for a row that the public layer now shows, -1 for
one it showed before (an update that changes nothing the cells count writes nothing).
Deltas are kept at the pyramid's top level (``TOP_LEVEL``); a tile at zoom z reads the
layer's compacted cells of level z plus its pending deltas, each divided down to level z
(``tiles/sql/mvt_delta_rows.sql``). The compaction job (``compact``, every minute, in
tiles/tasks.py) folds the pending deltas into ``tiles_pointcell`` in one statement
(DELETE ... RETURNING, then the pyramid's own upsert): a report committed meanwhile is
not seen by that DELETE and stays pending, so nothing is lost or counted twice, and a
tile read sees either both tables before or both after.

The rows come from the layer's own spec (its FROM, WHERE, public point and ``group_by``
properties), so the cells count exactly what the public layer shows and nothing private.
"""

from django.db import connection, transaction
from psycopg import sql

from layers.spec import LayerSpec
from tiles.pyramid import DROP_EMPTY_SQL, apply_sql, signed, top_cells_sql

DELTA_TABLE = "tiles_pointdelta"
# The layers whose cells the delta triggers of migration 0009 keep (cluster_source "deltas").
DELTA_LAYERS = ("feedback",)
ROWS_MARKER = "__counted_rows__"


def _text(composed: sql.Composable) -> str:
    """Composed SQL as text (values are literals of the spec: no connection needed)."""
    return composed.as_string(None)


def main_table(spec: LayerSpec) -> str:
    """The table the spec's FROM starts with (alias ``t``): the one the triggers watch."""
    table = spec.sources[0].table if spec.sources else ""
    if not table or not spec.from_sql.startswith(f"{table} AS t"):
        raise ValueError(f"layer {spec.slug!r}: FROM must start with its first source AS t")
    return table


def rows_template(spec: LayerSpec) -> str:
    """The layer's counted rows (item, layer, x, y, grp) from ``{rows}`` (a relation standing
    for the main table): the public point in Web Mercator, one row with grp '' and one
    "property=value" row per ``group_by`` property, for the rows the layer shows only."""
    table = main_table(spec)
    fields = {f.name: f for f in spec.fields}
    groups = [name.strip() for name in (spec.group_by or "").split(",") if name.strip()]
    values = sql.SQL(", ").join(
        [sql.SQL("(''::text)")]
        + [
            sql.SQL("({} || coalesce({}, ''))").format(sql.Literal(f"{name}="), fields[name].text())
            for name in groups
        ]
    )
    # A marker for the relation, put in after the spec's literals are written (their braces
    # doubled, for the ``str.format`` of ``pyramid.signed``).
    source = spec.clause(ROWS_MARKER + " AS t" + spec.from_sql[len(f"{table} AS t") :])
    geom = spec.geometry()
    query = sql.SQL(
        "SELECT ({item})::text AS item, {layer}::text AS layer, ST_X(m.p) AS x, "
        "ST_Y(m.p) AS y, g.grp FROM {source} "
        "CROSS JOIN LATERAL (SELECT ST_Transform({geom}, 3857) AS p) AS m "
        "CROSS JOIN LATERAL (VALUES {values}) AS g (grp) "
        "WHERE {where} AND {geom} IS NOT NULL AND NOT ST_IsEmpty({geom})"
    ).format(
        item=spec.identifier(),
        layer=sql.Literal(spec.slug),
        source=source,
        geom=geom,
        values=values,
        where=spec.where_clause(),
    )
    text = _text(query).replace("{", "{{").replace("}", "}}")
    return text.replace(ROWS_MARKER, "{rows}")


def append_sql(signed_rows: str) -> str:
    """INSERT the deltas of ``signed_rows`` (item, layer, x, y, grp, sign) into the log at
    the top level; a row's +1 and -1 in one statement (an update that kept it) cancel."""
    return (
        f"INSERT INTO {DELTA_TABLE} (layer, cx, cy, grp, n, sx, sy) "  # noqa: S608 (the registry's SQL)
        f"SELECT layer, {top_cells_sql('x', 'y')}, grp, sign, sign * x, sign * y "
        "FROM (SELECT layer, x, y, grp, sum(sign)::int AS sign "
        f"FROM ({signed_rows}) AS s GROUP BY item, layer, x, y, grp) AS d WHERE sign <> 0"
    )


def trigger_function_sql(spec: LayerSpec) -> str:
    """The statement-level trigger function that logs a write on the layer's main table."""
    rows = rows_template(spec)
    new = signed(rows, "new_rows", 1)
    old = signed(rows, "old_rows", -1)
    return f"""
CREATE OR REPLACE FUNCTION {function_name(spec)}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {append_sql(new)};
    ELSIF TG_OP = 'DELETE' THEN
        {append_sql(old)};
    ELSE
        {append_sql(new + " UNION ALL " + old)};
    END IF;
    RETURN NULL;
END
$$;
"""


def function_name(spec: LayerSpec) -> str:
    """The name of the layer's delta trigger function."""
    return f"tiles_deltas_{spec.slug}"


def recount_function_sql(spec: LayerSpec) -> str:
    """A function that counts the layer's cells again from its rows (first fill, a category
    renamed): writers wait meanwhile (SHARE lock), so that no report is both in the log
    and in the recount."""
    table = main_table(spec)
    rows = signed(rows_template(spec), table, 1)
    return f"""
CREATE OR REPLACE FUNCTION tiles_deltas_recount_{spec.slug}() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    LOCK TABLE {table} IN SHARE MODE;
    DELETE FROM {DELTA_TABLE} WHERE layer = '{spec.slug}';
    DELETE FROM tiles_pointcell WHERE layer = '{spec.slug}';
    {apply_sql(rows, fresh=True)};
END
$$;
"""  # noqa: S608 (the registry's own SQL, no request text)


# The pending deltas, moved to the pyramid: each log row is one point (n = ±1, sx = n·x).
COMPACT_SQL = apply_sql(
    "DELETE FROM tiles_pointdelta RETURNING layer, sx * n AS x, sy * n AS y, grp, n AS sign"
)


def compact() -> int:
    """Fold every pending delta into the pyramid in one transaction; how many cells changed."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(COMPACT_SQL)
        changed = cursor.rowcount
        cursor.execute(DROP_EMPTY_SQL)
    return changed


def pending() -> int:
    """How many deltas wait for the next compaction."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tiles_pointdelta")
        return cursor.fetchone()[0]
