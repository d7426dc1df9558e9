"""The helpers other apps' tests act as residents with."""

import pytest

from residents.identity import resident_of
from tests.residents.conftest import ME
from tests.residents.helpers import (
    bearer_headers,
    bearer_resident_key_of,
    service_headers,
    service_resident_key_of,
)

pytestmark = pytest.mark.django_db


def test_service_headers_act_for_the_named_resident(client, rf):
    assert client.get(ME, **service_headers("r-1")).json()["via"] == "service"
    resident = resident_of(rf.get("/", **service_headers("r-1")))
    assert resident.key == service_resident_key_of("r-1")


def test_bearer_headers_sign_in_as_the_subject(client, rf, settings):
    settings.COMMONMAP = {**settings.COMMONMAP}  # the helper points a copy at its provider
    assert client.get(ME, **bearer_headers("s-1")).json()["via"] == "oidc"
    resident = resident_of(rf.get("/", **bearer_headers("s-1")))
    assert resident.key == bearer_resident_key_of("s-1")
    assert resident.key != service_resident_key_of("s-1")
