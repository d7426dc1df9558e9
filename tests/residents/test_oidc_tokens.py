"""OpenID Connect bearer tokens: the ones accepted, and every refusal with its message."""

import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from tests.residents.conftest import ME, bearer

pytestmark = pytest.mark.django_db

INVALID_TOKEN_CHALLENGE = 'Bearer realm="Common Map residents", error="invalid_token"'


def refused(response, code: str, detail: str) -> None:
    """A 401 of an invalid token: the code, the message and the Bearer challenge."""
    assert response.status_code == 401, response.content
    body = response.json()
    assert (body["code"], body["detail"]) == (code, detail)
    assert response["WWW-Authenticate"] == INVALID_TOKEN_CHALLENGE


def test_an_rsa_token_of_the_provider_is_a_resident(client, oidc_settings):
    response = client.get(ME, **bearer(oidc_settings.token("citizen-1")))
    assert response.status_code == 200, response.content
    assert response.json() == {"authenticated": True, "via": "oidc"}


def test_an_ec_token_of_the_provider_is_a_resident(client, oidc_settings):
    response = client.get(ME, **bearer(oidc_settings.token("citizen-1", kid="ec-1")))
    assert response.json() == {"authenticated": True, "via": "oidc"}


def test_an_expired_token_is_refused(client, oidc_settings):
    now = int(time.time())
    token = oidc_settings.token("citizen-1", iat=now - 600, exp=now - 60)
    refused(client.get(ME, **bearer(token)), "token_expired", "The token has expired.")


def test_a_token_not_yet_valid_is_refused(client, oidc_settings):
    token = oidc_settings.token("citizen-1", nbf=int(time.time()) + 600)
    refused(client.get(ME, **bearer(token)), "token_not_yet_valid", "The token is not valid yet.")


def test_a_token_of_another_issuer_is_refused(client, oidc_settings):
    token = oidc_settings.token("citizen-1", iss="https://elsewhere.example.test")
    refused(
        client.get(ME, **bearer(token)),
        "wrong_issuer",
        f"The token is not from the identity provider {oidc_settings.issuer}.",
    )


def test_a_token_for_another_audience_is_refused(client, oidc_settings):
    token = oidc_settings.token("citizen-1", aud="another-api")
    refused(
        client.get(ME, **bearer(token)),
        "wrong_audience",
        f"The token is not for this API (audience {oidc_settings.audience}).",
    )


def test_a_token_signed_by_another_key_under_a_known_kid_is_refused(client, oidc_settings, idp):
    forger = type(idp)()  # the same kids, other keys
    try:
        token = forger.token("citizen-1")
    finally:
        forger.close()
    refused(
        client.get(ME, **bearer(token)), "bad_signature", "The token's signature does not verify."
    )


def test_a_tampered_payload_is_refused(client, oidc_settings):
    header, payload, signature = oidc_settings.token("citizen-1").split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["sub"] = "someone-else"
    forged = _b64(json.dumps(claims).encode())
    refused(
        client.get(ME, **bearer(f"{header}.{forged}.{signature}")),
        "bad_signature",
        "The token's signature does not verify.",
    )


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unsigned(header: dict, claims: dict, signature: bytes = b"") -> str:
    head = _b64(json.dumps(header).encode())
    body = _b64(json.dumps(claims).encode())
    return f"{head}.{body}.{_b64(signature)}"


def _claims(idp) -> dict:
    now = int(time.time())
    return {"iss": idp.issuer, "aud": idp.audience, "sub": "citizen-1", "exp": now + 300}


def test_alg_none_is_refused(client, oidc_settings):
    token = _unsigned({"alg": "none", "kid": "rsa-1"}, _claims(oidc_settings))
    refused(
        client.get(ME, **bearer(token)),
        "invalid_token",
        "The token's algorithm none is not accepted; use one of RS256, ES256.",
    )


def _hs256_with_the_public_key(idp) -> str:
    public = idp.private_keys["rsa-1"][0].public_key()
    pem = public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = _b64(json.dumps({"alg": "HS256", "kid": "rsa-1", "typ": "JWT"}).encode())
    body = _b64(json.dumps(_claims(idp)).encode())
    signature = hmac.new(pem, f"{header}.{body}".encode(), hashlib.sha256).digest()
    return f"{header}.{body}.{_b64(signature)}"


def test_hs256_signed_with_the_public_key_is_refused(client, oidc_settings):
    refused(
        client.get(ME, **bearer(_hs256_with_the_public_key(oidc_settings))),
        "invalid_token",
        "The token's algorithm HS256 is not accepted; use one of RS256, ES256.",
    )


def test_hs256_stays_refused_even_when_the_settings_list_it(client, settings, oidc_settings):
    settings.COMMONMAP = {**settings.COMMONMAP, "OIDC_ALGORITHMS": ["RS256", "HS256"]}
    refused(
        client.get(ME, **bearer(_hs256_with_the_public_key(oidc_settings))),
        "invalid_token",
        "The token's algorithm HS256 is not accepted; use one of RS256.",
    )


def test_a_malformed_token_is_refused(client, oidc_settings):
    refused(
        client.get(ME, **bearer("not.a-jwt")),
        "invalid_token",
        "The bearer token is not a well-formed JWT.",
    )


def test_a_bearer_header_without_a_token_is_refused(client, oidc_settings):
    refused(
        client.get(ME, HTTP_AUTHORIZATION="Bearer "),
        "invalid_token",
        "The Authorization header has no token after 'Bearer'.",
    )


def test_a_token_without_a_kid_is_refused(client, oidc_settings):
    private = oidc_settings.private_keys["rsa-1"][0]
    token = jwt.encode(_claims(oidc_settings), private, algorithm="RS256")
    refused(
        client.get(ME, **bearer(token)), "invalid_token", "The token's header names no key (kid)."
    )


def test_a_token_without_a_subject_is_refused(client, oidc_settings):
    refused(
        client.get(ME, **bearer(oidc_settings.token(None))),
        "token_missing_claim",
        "The token has no 'sub' claim.",
    )


def test_a_token_with_an_empty_subject_is_refused(client, oidc_settings):
    refused(
        client.get(ME, **bearer(oidc_settings.token(""))),
        "token_missing_claim",
        "The token has no subject (sub).",
    )


def test_a_token_without_an_expiry_is_refused(client, oidc_settings):
    refused(
        client.get(ME, **bearer(oidc_settings.token("citizen-1", exp=None))),
        "token_missing_claim",
        "The token has no 'exp' claim.",
    )


def test_a_bearer_token_when_no_provider_is_configured_is_refused(client, settings, idp):
    settings.COMMONMAP = {**settings.COMMONMAP, "OIDC_ISSUER": "", "OIDC_JWKS_URL": ""}
    response = client.get(ME, **bearer(idp.token("citizen-1")))
    assert response.status_code == 401
    assert response.json()["code"] == "oidc_not_configured"
    assert response.json()["detail"] == (
        "Bearer tokens are not accepted here: no identity provider is configured."
    )
    assert response["WWW-Authenticate"] == 'Bearer realm="Common Map residents"'
    assert idp.requests == []
