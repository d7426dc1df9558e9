"""The residents app's errors: each a precise 401, 403 or 400 from ``core.errors``."""

from core.errors import NotAuthenticated

REALM = "Common Map residents"


def bearer_challenge(error: str | None = None) -> str:
    """The ``WWW-Authenticate`` value of a 401 (RFC 6750): the scheme residents sign in
    with, and for a token that was sent, ``error="invalid_token"``."""
    challenge = f'Bearer realm="{REALM}"'
    if error:
        challenge += f', error="{error}"'
    return challenge


class ResidentNotAuthenticated(NotAuthenticated):
    """No resident is named by the request, or the token naming one is refused (401)."""

    code = "not_authenticated"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        hint: str | None = None,
        error: str | None = None,
    ):
        super().__init__(message, hint=hint, headers={"WWW-Authenticate": bearer_challenge(error)})
        if code:
            self.code = code


class InvalidToken(ResidentNotAuthenticated):
    """A bearer token that was sent but cannot be accepted (401, ``invalid_token``)."""

    def __init__(self, message: str, *, code: str = "invalid_token", hint: str | None = None):
        super().__init__(message, code=code, hint=hint, error="invalid_token")
