"""Shared fixtures: a real PostGIS test database holding the demo boundaries and facilities.

pytest-django creates ``test_<name>`` on the configured server and runs the
migrations; the demo generations and facilities are then loaded once, committed, and every
test runs inside a transaction that is rolled back, so the demo data is the same for all.
"""

import pytest
from django.test import Client

from layers.demo.load import load_demo
from layers.demo.load_facilities import load_demo_facilities


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Migrated test database plus the demo generations and facilities (loaded once)."""
    with django_db_blocker.unblock():
        load_demo()
        load_demo_facilities()


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
