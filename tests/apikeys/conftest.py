"""API key tests assert English messages; outside a request the active language is the site's."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    """Pin English for every test here."""
    with translation.override("en"):
        yield
