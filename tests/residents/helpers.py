"""Acting as a resident in the tests of any app (ratings, surveys, ...).

    from tests.residents.helpers import bearer_headers, service_headers

    def test_a_resident_rates_a_ward(client):           # a db test
        response = client.post(url, data, content_type="application/json",
                               **service_headers("resident-42"))
        response = client.get(url, **bearer_headers("subject-7"))

Both return Django test-client keyword arguments (``HTTP_...`` META names), usable with
``django.test.Client`` and DRF's ``APIClient`` alike. The same ``resident_id`` (or
``subject``) is the same resident; service and bearer residents are never the same one.
"""

from django.conf import settings

from apikeys.keys import create_key, digest
from apikeys.models import ApiKey
from residents.hashing import oidc_resident_key, service_resident_key
from tests.residents.idp import LocalIdentityProvider

_state: dict = {"provider": None, "raw_key": None}


def service_headers(resident_id: str) -> dict:
    """Headers of the city app's back end acting for ``resident_id``: an API key with the
    ``residents`` scope (made once per test database, re-made if a rollback removed it) and
    ``X-Resident-Id``. Needs database access (``db`` fixture / ``django_db`` mark)."""
    raw = _state["raw_key"]
    if raw is None or not ApiKey.objects.filter(key_hash=digest(raw)).exists():
        _key, raw = create_key("tests: the city app's back end", ["residents"])
        _state["raw_key"] = raw
    return {"HTTP_X_API_KEY": raw, "HTTP_X_RESIDENT_ID": resident_id}


def local_identity_provider() -> LocalIdentityProvider:
    """The process-wide local identity provider (started on first use), with the API's
    settings pointed at it (``settings.COMMONMAP``, updated in place on every call)."""
    if _state["provider"] is None:
        _state["provider"] = LocalIdentityProvider()
    provider = _state["provider"]
    settings.COMMONMAP.update(provider.settings())
    return provider


def bearer_headers(subject: str, **claims) -> dict:
    """``Authorization: Bearer <token>`` for ``subject``, signed by the local identity
    provider (``claims`` add or override claims, e.g. ``exp=0``). No database needed."""
    token = local_identity_provider().token(subject, **claims)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def service_resident_key_of(resident_id: str) -> str:
    """The stored key of the resident ``service_headers(resident_id)`` acts for (to find
    their rows in a test; never shown by the API)."""
    return service_resident_key(resident_id)


def bearer_resident_key_of(subject: str) -> str:
    """The stored key of the resident ``bearer_headers(subject)`` signs in as."""
    return oidc_resident_key(local_identity_provider().issuer, subject)
