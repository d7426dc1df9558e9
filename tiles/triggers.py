"""The tile-cache triggers, built from the layers' declarations.

Every table a registered layer reads (``LayerSpec.sources``, a family's ``sources``) gets a
statement-level trigger that forgets the cached vector tiles a write touches: under each
changed row for a table of geometries, every tile of its layers for a table any change of
which alters them whole (tiles/sql/forget_*.sql over ``tiles_forget``, migrations 0002
and 0005). ``install_cache_triggers`` runs after every ``migrate`` (tiles/apps.py), so a
layer declared in code has its triggers without a migration of its own; it is idempotent
(CREATE OR REPLACE, DROP TRIGGER IF EXISTS) and leaves out tables not migrated yet.
"""

from collections import defaultdict

from psycopg import sql

from layers.registry import cache_sources
from layers.spec import SourceTable
from tiles.sql import load_sql

Source = tuple[str | None, SourceTable]  # (the layer's slug, or None: rows name it)


def _rows(pairs: list[Source], transition: str) -> sql.Composable:
    """SELECT (layer slug, geometry) of the changed rows, one part per declaring layer."""
    parts = []
    for slug, source in pairs:
        layer = sql.SQL(source.layer_sql) if source.layer_sql else sql.Literal(slug)
        parts.append(
            sql.SQL("SELECT {layer}, {geom} FROM {rows} AS r {join}").format(
                layer=layer,
                geom=sql.Identifier("r", source.geom_column),
                rows=sql.Identifier(transition),
                join=sql.SQL(source.join_sql),
            )
        )
    return sql.SQL(" UNION ALL ").join(parts)


def trigger_sql(table: str, pairs: list[Source]) -> sql.Composed:
    """The trigger function and triggers of one table read by the layers of ``pairs``."""
    function = f"tiles_forget_{table}"
    whole = [p for p in pairs if p[1].geom_column is None]
    if whole and len(whole) != len(pairs):
        raise ValueError(f"{table}: declared both with and without a geometry column")
    if whole:
        slugs = sorted({slug for slug, _source in whole if slug})
        return sql.SQL(load_sql("forget_whole_layers")).format(
            function=sql.Identifier(function),
            trigger=sql.Identifier(f"{function}_iud"),
            table=sql.Identifier(table),
            layers=sql.SQL("ARRAY[{}]::text[]").format(
                sql.SQL(", ").join(sql.Literal(s) for s in slugs)
            ),
            worlds=sql.SQL("ARRAY[{}]").format(
                sql.SQL(", ").join(sql.SQL("tiles_world()") for _s in slugs)
            ),
        )
    return sql.SQL(load_sql("forget_changed_rows")).format(
        function=sql.Identifier(function),
        trigger_i=sql.Identifier(f"{function}_i"),
        trigger_u=sql.Identifier(f"{function}_u"),
        trigger_d=sql.Identifier(f"{function}_d"),
        table=sql.Identifier(table),
        rows_new=_rows(pairs, "new_rows"),
        rows_old=_rows(pairs, "old_rows"),
    )


def _present(cursor, table: str, column: str | None) -> bool:
    """Whether the table (and the column, when named) exists in the current schema."""
    cursor.execute(
        "SELECT count(*) FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = %s "
        "AND (%s::text IS NULL OR column_name = %s)",
        [table, column, column],
    )
    return cursor.fetchone()[0] > 0


def install_cache_triggers(connection, sources: list[Source] | None = None) -> list[str]:
    """Create or replace the cache triggers of every table the registered layers read
    (or of ``sources``), on ``connection``; returns the tables done. Tables or geometry
    columns that do not exist yet (a partial migration) are left out, as is everything
    while ``tiles_forget`` itself is missing."""
    pairs = cache_sources() if sources is None else sources
    by_table: dict[str, list[Source]] = defaultdict(list)
    for slug, source in pairs:
        by_table[source.table].append((slug, source))
    done = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regprocedure('tiles_forget(text[], geometry[])') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return done
        for table, declared in sorted(by_table.items()):
            present = [p for p in declared if _present(cursor, table, p[1].geom_column)]
            if not present:
                continue
            cursor.execute(trigger_sql(table, present).as_string(cursor.connection))
            done.append(table)
    return done
