"""The dashboard's pre-aggregated facts (``dashboard_itemfact``) and how they stay current.

One row per feedback item and boundary generation holds what the measures read: the
item's area by the one point-to-ward rule on the generation's first day, its times, its
rating, the spans in which it was open and the instants it was reopened, so a request
aggregates one indexed table instead of resolving every item's ward and reading the event
log (``bench/dashboard.py``: the fast path against ``compute_raw``).

Statement-level triggers installed by ``install`` (``sql/facts_install.sql``) recompute the
facts of the items written (items, their events) and of every item when the ward rule's own
tables change (``layers_areasubdivision``, ``layers_boundarygeneration``: a boundary import
or a generation's dates), inside the writing transaction. Triggers were chosen over a job
or a command because every path that writes (the API, Open311, the admin, the importers,
raw SQL) is then covered without the lower apps knowing the dashboard exists.

The rule is included from ``layers/sql/resolve_ward.sql`` when the function is installed
(migration ``0002_itemfacts``): a change to that file needs a migration that calls
``install`` again; ``tests/dashboard/test_facts.py`` fails until it is done.
"""

from django.conf import settings
from django.db import connection
from psycopg import sql

from core.sql_files import load_sql
from feedback.models import OPEN_STATUSES
from layers.sql import load_sql as load_layers_sql

DAY_PLACEHOLDER = "%(day)s"
DAY_VARIABLE = "refresh_day"


def rule_for_function() -> str:
    """The ward rule's text with its ``day`` bound to the install function's variable."""
    return load_layers_sql("resolve_ward").replace(DAY_PLACEHOLDER, DAY_VARIABLE)


def install_statements(cursor) -> str:
    """The trigger functions and triggers, the rule and the open statuses put in."""
    statuses = sql.SQL(", ").join(sql.Literal(str(status)) for status in OPEN_STATUSES)
    composed = sql.SQL(load_sql("dashboard", "facts_install")).format(
        resolve_ward=sql.SQL(rule_for_function()), open_statuses=statuses
    )
    return composed.as_string(cursor.connection)


def open_deltas_statements(cursor) -> str:
    """The open deltas' tables, functions and triggers, the city's time zone put in."""
    composed = sql.SQL(load_sql("dashboard", "open_deltas")).format(
        time_zone=sql.Literal(settings.TIME_ZONE)
    )
    return composed.as_string(cursor.connection)


def day_flows_statements(cursor) -> str:
    """The day flows' table, functions and triggers, the city's time zone put in."""
    composed = sql.SQL(load_sql("dashboard", "day_flows")).format(
        time_zone=sql.Literal(settings.TIME_ZONE)
    )
    return composed.as_string(cursor.connection)


def install(schema_editor=None) -> None:
    """Create the table, (re)install its functions and triggers, and fill it for every item;
    then what is summed from the facts (``install_sums``)."""
    target = schema_editor.connection if schema_editor is not None else connection
    with target.cursor() as cursor:
        cursor.execute(load_sql("dashboard", "open_deltas_uninstall"))
        cursor.execute(load_sql("dashboard", "day_flows_uninstall"))
        cursor.execute(load_sql("dashboard", "facts_table"))
        cursor.execute(install_statements(cursor.cursor))
        cursor.execute("SELECT dashboard_refresh_facts(NULL)")
    install_sums(schema_editor)


def install_sums(schema_editor=None) -> None:
    """The facts' indexes as ``sql/facts_table.sql`` has them now, and the open deltas
    (``sql/open_deltas.sql``), day flows and per-month resolutions (``sql/day_flows.sql``)
    (re)installed and rebuilt from the facts as they are (the facts are not refilled)."""
    target = schema_editor.connection if schema_editor is not None else connection
    with target.cursor() as cursor:
        cursor.execute(load_sql("dashboard", "facts_table"))
        cursor.execute(load_sql("dashboard", "open_deltas_uninstall"))
        cursor.execute(open_deltas_statements(cursor.cursor))
        cursor.execute("SELECT dashboard_opendelta_rebuild()")
        cursor.execute(load_sql("dashboard", "day_flows_uninstall"))
        cursor.execute(day_flows_statements(cursor.cursor))
        cursor.execute("SELECT dashboard_dayflow_rebuild()")


def uninstall(schema_editor=None) -> None:
    """Drop the triggers, the functions and the table (the migration's reverse)."""
    target = schema_editor.connection if schema_editor is not None else connection
    with target.cursor() as cursor:
        cursor.execute(load_sql("dashboard", "day_flows_uninstall"))
        cursor.execute(load_sql("dashboard", "open_deltas_uninstall"))
        cursor.execute(load_sql("dashboard", "facts_uninstall"))


def refresh(item_ids: list[int] | None = None) -> None:
    """Recompute the facts of these items (all when None); the triggers do this on every
    write, so only a repair after a manual change needs it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT dashboard_refresh_facts(%s::bigint[])", [item_ids])
