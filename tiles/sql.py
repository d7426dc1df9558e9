"""SQL files of the tiles app, loaded by name (``core.sql_files``): statement skeletons whose
placeholders are filled with ``psycopg.sql`` (identifiers, literals, composed parts)."""

from functools import partial

from core.sql_files import load_sql as _load

load_sql = partial(_load, "tiles")
