"""The provider's keys: fetched from the configured JWKS URL only, cached, refetched once
for an unknown kid, and never from a URL or key a token names."""

import time

import jwt
import pytest
from jwt.algorithms import RSAAlgorithm

from residents import oidc
from tests.residents.conftest import ME, bearer
from tests.residents.idp import LocalIdentityProvider

pytestmark = pytest.mark.django_db

UNKNOWN_KEY = "The token is signed with a key ({kid}) the identity provider does not publish."


@pytest.fixture
def attacker():
    """Another local server with keys of its own: it must never be asked for anything."""
    provider = LocalIdentityProvider()
    yield provider
    provider.close()


def test_the_key_set_is_fetched_once_for_many_tokens(client, oidc_settings):
    for subject in ("a", "b", "c"):
        assert client.get(ME, **bearer(oidc_settings.token(subject))).status_code == 200
    assert oidc_settings.requests == ["/jwks.json"]


def test_an_unknown_kid_refetches_the_key_set_once(client, oidc_settings, monkeypatch):
    monkeypatch.setattr(oidc, "JWKS_REFETCH_COOLDOWN_S", 0)
    oidc_settings.add_key("rsa-unpublished", publish=False)
    response = client.get(ME, **bearer(oidc_settings.token("a", kid="rsa-unpublished")))
    assert response.status_code == 401
    assert response.json()["code"] == "unknown_key"
    assert response.json()["detail"] == UNKNOWN_KEY.format(kid="rsa-unpublished")
    assert oidc_settings.requests == ["/jwks.json", "/jwks.json"]


def test_a_rotated_key_is_accepted_after_one_refetch(client, oidc_settings, monkeypatch):
    monkeypatch.setattr(oidc, "JWKS_REFETCH_COOLDOWN_S", 0)
    assert client.get(ME, **bearer(oidc_settings.token("a"))).status_code == 200
    oidc_settings.add_key("rsa-2")
    response = client.get(ME, **bearer(oidc_settings.token("a", kid="rsa-2")))
    assert response.status_code == 200, response.content
    assert oidc_settings.requests == ["/jwks.json", "/jwks.json"]


def test_unknown_kids_do_not_refetch_within_the_cooldown(client, oidc_settings):
    assert client.get(ME, **bearer(oidc_settings.token("a"))).status_code == 200
    for kid in ("made-up-1", "made-up-2", "made-up-3"):
        oidc_settings.add_key(kid, publish=False)
        response = client.get(ME, **bearer(oidc_settings.token("a", kid=kid)))
        assert response.json()["code"] == "unknown_key"
    assert oidc_settings.requests == ["/jwks.json"]


def test_a_jku_header_is_never_fetched(client, oidc_settings, attacker):
    attacker.private_keys["evil"] = attacker.private_keys["rsa-1"]
    attacker.published = ["evil"]
    claims = {"iss": oidc_settings.issuer, "aud": oidc_settings.audience}
    token = attacker.token("a", kid="evil", headers={"jku": attacker.jwks_url}, **claims)
    response = client.get(ME, **bearer(token))
    assert response.status_code == 401
    assert response.json()["detail"] == UNKNOWN_KEY.format(kid="evil")
    assert attacker.requests == []


def test_a_jku_header_beside_a_good_signature_changes_nothing(client, oidc_settings, attacker):
    token = oidc_settings.token("a", headers={"jku": attacker.jwks_url, "x5u": attacker.url})
    assert client.get(ME, **bearer(token)).status_code == 200
    assert attacker.requests == []
    assert oidc_settings.requests == ["/jwks.json"]


def test_a_key_embedded_in_the_token_is_not_trusted(client, oidc_settings, attacker):
    private = attacker.private_keys["rsa-1"][0]
    embedded = RSAAlgorithm.to_jwk(private.public_key(), as_dict=True)
    now = int(time.time())
    claims = {
        "iss": oidc_settings.issuer,
        "aud": oidc_settings.audience,
        "sub": "a",
        "exp": now + 300,
    }
    token = jwt.encode(
        claims, private, algorithm="RS256", headers={"kid": "rsa-1", "jwk": embedded}
    )
    response = client.get(ME, **bearer(token))
    assert response.status_code == 401
    assert response.json()["code"] == "bad_signature"
    assert attacker.requests == []


def test_an_unreachable_provider_is_a_401_saying_so(client, settings, oidc_settings, attacker):
    gone = attacker.jwks_url
    attacker.close()
    settings.COMMONMAP = {**settings.COMMONMAP, "OIDC_JWKS_URL": gone}
    response = client.get(ME, **bearer(oidc_settings.token("a")))
    assert response.status_code == 401
    assert response.json() == {
        "code": "oidc_unavailable",
        "detail": "The identity provider's keys cannot be fetched now; try again later.",
    }
