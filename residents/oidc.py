"""OpenID Connect bearer tokens: verified with PyJWT against the identity provider's
published keys (its JWKS URL, from settings), never against a key or URL the token names.

Issuer, audience and the accepted algorithms come from settings; ``jku``, ``x5u`` and
``jwk`` headers are ignored, so the server never fetches a URL a caller chose. Keys are
cached per JWKS URL; an unknown ``kid`` refetches the set once (PyJWT's cooldown keeps a
stream of made-up kids from hammering the provider).
"""

from functools import lru_cache

import jwt
from django.conf import settings
from django.utils.translation import gettext as _

from residents.errors import InvalidToken, ResidentNotAuthenticated

# Seconds the key set is kept, and the least time between two refetches for unknown kids.
JWKS_LIFESPAN_S = 300
JWKS_REFETCH_COOLDOWN_S = 30
JWKS_TIMEOUT_S = 5
# Public-key algorithms only, whatever the settings say: an HMAC "verified" with the
# provider's public key would accept tokens anyone can sign.
ASYMMETRIC = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)


@lru_cache(maxsize=8)
def jwks_client(url: str) -> jwt.PyJWKClient:
    """The (cached) client of one JWKS URL: one per process, so its key cache is shared."""
    return jwt.PyJWKClient(
        url,
        cache_jwk_set=True,
        lifespan=JWKS_LIFESPAN_S,
        timeout=JWKS_TIMEOUT_S,
        cooldown_duration=JWKS_REFETCH_COOLDOWN_S,
    )


def verify_bearer(token: str) -> tuple[str, str]:
    """(issuer, subject) of a valid token; InvalidToken (401) saying what is wrong."""
    options = settings.COMMONMAP
    issuer = options.get("OIDC_ISSUER")
    jwks_url = options.get("OIDC_JWKS_URL")
    audience = options.get("OIDC_AUDIENCE")
    if not (issuer and jwks_url and audience):
        raise ResidentNotAuthenticated(
            _("Bearer tokens are not accepted here: no identity provider is configured."),
            code="oidc_not_configured",
        )
    if not token:
        raise InvalidToken(_("The Authorization header has no token after 'Bearer'."))
    algorithms = [alg for alg in options.get("OIDC_ALGORITHMS") or () if alg in ASYMMETRIC]
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError as exc:
        raise InvalidToken(_("The bearer token is not a well-formed JWT.")) from exc
    alg = header.get("alg")
    if alg not in algorithms:
        raise InvalidToken(
            _("The token's algorithm {alg} is not accepted; use one of {algorithms}.").format(
                alg=alg, algorithms=", ".join(algorithms)
            )
        )
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise InvalidToken(_("The token's header names no key (kid)."))
    # The key's own type decides what it can verify: an RSA key never checks an ES256 or
    # HS256 signature (PyJWT refuses such a pairing), so a public key is never an HMAC secret.
    claims = _decode(token, _signing_key(jwks_url, kid).key, alg, issuer, audience)
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject.strip():
        raise InvalidToken(_("The token has no subject (sub)."), code="token_missing_claim")
    return issuer, subject


def _signing_key(jwks_url: str, kid: str) -> jwt.PyJWK:
    try:
        return jwks_client(jwks_url).get_signing_key(kid)
    except jwt.PyJWKClientConnectionError as exc:
        raise ResidentNotAuthenticated(
            _("The identity provider's keys cannot be fetched now; try again later."),
            code="oidc_unavailable",
        ) from exc
    except jwt.PyJWKClientError as exc:
        raise InvalidToken(
            _(
                "The token is signed with a key ({kid}) the identity provider does not publish."
            ).format(kid=kid),
            code="unknown_key",
        ) from exc


def _decode(token: str, key, alg: str, issuer: str, audience: str) -> dict:
    try:
        return jwt.decode(
            token,
            key,
            algorithms=[alg],
            issuer=issuer,
            audience=audience,
            leeway=settings.COMMONMAP.get("OIDC_LEEWAY_S", 0),
            options={"require": ["exp", "iss", "aud", "sub"], "verify_sub": False},
        )
    except jwt.ExpiredSignatureError as exc:
        raise InvalidToken(_("The token has expired."), code="token_expired") from exc
    except jwt.ImmatureSignatureError as exc:
        raise InvalidToken(_("The token is not valid yet."), code="token_not_yet_valid") from exc
    except jwt.InvalidIssuerError as exc:
        raise InvalidToken(
            _("The token is not from the identity provider {issuer}.").format(issuer=issuer),
            code="wrong_issuer",
        ) from exc
    except jwt.InvalidAudienceError as exc:
        raise InvalidToken(
            _("The token is not for this API (audience {audience}).").format(audience=audience),
            code="wrong_audience",
        ) from exc
    except jwt.MissingRequiredClaimError as exc:
        raise InvalidToken(
            _("The token has no '{claim}' claim.").format(claim=exc.claim),
            code="token_missing_claim",
        ) from exc
    except jwt.InvalidSignatureError as exc:
        raise InvalidToken(
            _("The token's signature does not verify."), code="bad_signature"
        ) from exc
    except jwt.PyJWTError as exc:  # a malformed payload, a key of the wrong type, ...
        raise InvalidToken(_("The bearer token is not valid.")) from exc
