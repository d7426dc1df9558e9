"""A real, local OpenID Connect identity provider for tests: RSA and EC keys made with
``cryptography``, a JWKS served over HTTP on 127.0.0.1 by a thread, tokens signed with PyJWT.

It records every request it serves (``requests``), so a test can prove a server was, or
was never, asked for anything.
"""

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

ISSUER = "https://vneid.example.test/oidc"
AUDIENCE = "commonmap-residents"


class LocalIdentityProvider:
    """An identity provider with its own keys (``rsa-1``: RS256, ``ec-1``: ES256), its JWKS
    at ``jwks_url``. ``published`` says which kids the JWKS lists (change it to rotate)."""

    def __init__(self, issuer: str = ISSUER, audience: str = AUDIENCE):
        self.issuer = issuer
        self.audience = audience
        self.private_keys = {
            "rsa-1": (rsa.generate_private_key(public_exponent=65537, key_size=2048), "RS256"),
            "ec-1": (ec.generate_private_key(ec.SECP256R1()), "ES256"),
        }
        self.published = ["rsa-1", "ec-1"]
        self.requests: list[str] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        """The server's base URL."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def jwks_url(self) -> str:
        """Where the key set is published."""
        return f"{self.url}/jwks.json"

    def add_key(self, kid: str, *, publish: bool = True) -> None:
        """A new RSA key (a rotation), published in the JWKS unless told otherwise."""
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.private_keys[kid] = (private, "RS256")
        if publish:
            self.published.append(kid)

    def jwks(self) -> dict:
        """The public keys of ``published`` as a JWK Set."""
        keys = []
        for kid in self.published:
            private, alg = self.private_keys[kid]
            family = RSAAlgorithm if alg.startswith("RS") else ECAlgorithm
            jwk = family.to_jwk(private.public_key(), as_dict=True)
            keys.append({**jwk, "kid": kid, "use": "sig", "alg": alg})
        return {"keys": keys}

    def token(
        self,
        subject: str | None = "resident-1",
        *,
        kid: str = "rsa-1",
        headers: dict | None = None,
        lifetime_s: int = 300,
        **claims,
    ) -> str:
        """A token for ``subject`` signed with key ``kid``; ``claims`` override or add claims
        (``iss=``, ``aud=``, ``exp=``, ``nbf=``; a claim set to None is left out)."""
        private, alg = self.private_keys[kid]
        now = int(time.time())
        payload = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": subject,
            "iat": now,
            "exp": now + lifetime_s,
            "jti": uuid.uuid4().hex,
            **claims,
        }
        payload = {name: value for name, value in payload.items() if value is not None}
        return jwt.encode(payload, private, algorithm=alg, headers={"kid": kid, **(headers or {})})

    def settings(self) -> dict:
        """The ``COMMONMAP`` entries that point the API at this provider."""
        return {
            "OIDC_ISSUER": self.issuer,
            "OIDC_JWKS_URL": self.jwks_url,
            "OIDC_AUDIENCE": self.audience,
            "OIDC_ALGORITHMS": ["RS256", "ES256"],
            "OIDC_LEEWAY_S": 0,
        }

    def close(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._server.server_close()

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                provider.requests.append(self.path)
                body = json.dumps(provider.jwks()).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format, *args):
                return

        return Handler
