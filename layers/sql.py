"""SQL files of the layers app, loaded by name (values are always bound, never formatted)."""

from functools import cache
from importlib import resources


@cache
def load_sql(name: str) -> str:
    """The text of ``layers/sql/<name>.sql``."""
    return (resources.files("layers") / "sql" / f"{name}.sql").read_text("utf-8")
