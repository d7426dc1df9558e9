"""SQL files loaded by name: each app keeps its statements in ``<app>/sql/<name>.sql``.

Whole-line comments are dropped, so that a comment may name a placeholder (``{layers}``,
``%(day)s``) without the driver or ``psycopg.sql`` reading it. Values are never formatted
into the text: they are bound, or filled in as ``psycopg.sql.Literal``.
"""

from functools import cache
from importlib import resources


@cache
def load_sql(package: str, name: str) -> str:
    """The text of ``<package>/sql/<name>.sql`` without its whole-line comments."""
    text = (resources.files(package) / "sql" / f"{name}.sql").read_text("utf-8")
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
