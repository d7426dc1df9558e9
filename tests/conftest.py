"""Shared fixtures: a real PostGIS test database holding the demo boundaries and facilities.

pytest-django creates ``test_<name>`` on the configured server and runs the
migrations; the demo generations and facilities are then loaded once, committed, and every
test runs inside a transaction that is rolled back, so the demo data is the same for all.
"""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import pytest
from django.db import connections
from django.test import Client

from layers.demo.load import load_demo
from layers.demo.load_facilities import load_demo_facilities


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Migrated test database plus the demo generations and facilities (loaded once)."""
    with django_db_blocker.unblock():
        load_demo()
        load_demo_facilities()


T = TypeVar("T")


@pytest.fixture(autouse=True)
def _no_transactional_tests(request):
    """Refuse ``django_db(transaction=True)``: its flush would empty the demo city (and the
    rows data migrations seed) under every later test. Commit through ``committed``."""
    marker = request.node.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or "transactional_db" in request.fixturenames):
        pytest.fail(
            "django_db(transaction=True) flushes the shared demo data: use the `committed` "
            "fixture (tests/conftest.py) to write rows that other connections (a worker, a "
            "server, another thread) can see, and delete them at the end of the test."
        )


@pytest.fixture
def committed(db, django_db_blocker) -> Callable[[Callable[[], T]], T]:
    """Run ``query()`` on a connection of its own (in a worker thread), in autocommit: what it
    writes is committed and seen by other processes; the test deletes it afterwards. It asks
    for ``db``, so it always runs against the test database, never the configured one."""

    def in_worker_thread(query: Callable[[], T]) -> T:
        try:
            return query()
        finally:
            connections.close_all()

    def in_test_database(query: Callable[[], T]) -> T:
        name = connections["default"].settings_dict["NAME"]
        assert name.startswith("test_"), f"committed would write to {name}"
        return in_worker_thread(query)

    def run(query: Callable[[], T]) -> T:
        with django_db_blocker.unblock(), ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(in_test_database, query).result()

    return run


@pytest.fixture
def client():
    """A test client that asks for English, the language the tests assert messages in.

    The site's default language is Vietnamese; ``vi_client`` checks that side.
    """
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def vi_client():
    """A test client that sends no language preference (the default: Vietnamese)."""
    return Client()
