"""Fixtures of the residents tests: a fresh local identity provider per test, the API's
settings pointed at it, and the URL of ``/api/v1/residents/me``."""

import pytest

from residents import oidc
from tests.residents.idp import LocalIdentityProvider

ME = "/api/v1/residents/me"


@pytest.fixture
def idp():
    """A local identity provider with its own keys and JWKS server (stopped afterwards)."""
    provider = LocalIdentityProvider()
    yield provider
    provider.close()


@pytest.fixture
def oidc_settings(settings, idp):
    """The API configured for ``idp``, with no key set cached from an earlier test."""
    settings.COMMONMAP = {**settings.COMMONMAP, **idp.settings()}
    oidc.jwks_client.cache_clear()
    yield idp
    oidc.jwks_client.cache_clear()


def bearer(token: str) -> dict:
    """Test-client keyword arguments for ``Authorization: Bearer <token>``."""
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
