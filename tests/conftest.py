"""Shared fixtures: a real PostGIS test database holding the demo boundary generations.

pytest-django creates ``test_<name>`` on the configured server and runs the
migrations; the demo generations are then loaded once, committed, and every test
runs inside a transaction that is rolled back, so the demo data is the same for all.
"""

import pytest

from layers.demo.load import load_demo


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Migrated test database plus the demo generations (loaded once per session)."""
    with django_db_blocker.unblock():
        load_demo()
