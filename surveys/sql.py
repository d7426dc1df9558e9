"""SQL files of the surveys app, loaded by name (``core.sql_files``)."""

from functools import partial

from core.sql_files import load_sql as _load

load_sql = partial(_load, "surveys")
