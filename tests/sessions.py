"""Sessions of their own on the test database, as another app server or worker has: for
tests of locks, snapshots and concurrent writers."""

import psycopg
from django.db import connection


def dsn() -> str:
    """The libpq connection string of the test database."""
    params = connection.get_connection_params()
    keep = {"host", "port", "user", "password", "dbname"}
    return psycopg.conninfo.make_conninfo(**{k: v for k, v in params.items() if k in keep})


def other_session(autocommit: bool = False) -> psycopg.Connection:
    """A new connection to the test database (close it, or use it as a context manager)."""
    return psycopg.connect(dsn(), autocommit=autocommit)
