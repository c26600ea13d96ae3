"""What a login gives a test, and the ID token checks a relying party makes (OpenID Connect Core
§3.1.3.7, §5.3.2), with joserfc: the signature against the provider's JWKS, ``iss``, ``aud``,
``exp`` and ``iat`` by the provider's clock, ``nonce``, ``at_hash``, the ``acr`` asked for, and
userinfo's ``sub``.
"""

import hmac
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from authlib.oidc.core.util import create_half_hash
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jwt import JWTClaimsRegistry

LEVELS = ("LoA1", "LoA2", "LoA3", "LoA4")


class AuthorizationError(Exception):
    """The provider answered the authorization request with an error (RFC 6749 §4.1.2.1)."""

    def __init__(self, error: str, error_description: str | None = None) -> None:
        super().__init__(f"{error}: {error_description}" if error_description else error)
        self.error = error
        self.error_description = error_description


class TokenError(Exception):
    """The token endpoint, or userinfo, did not answer 200 (RFC 6749 §5.2)."""

    def __init__(self, status: int, body: dict[str, Any], retry_after: str | None = None) -> None:
        super().__init__(f"{status}: {body.get('error')}: {body.get('error_description')}")
        self.status = status
        self.error = str(body.get("error", ""))
        self.error_description = body.get("error_description")
        self.retry_after = retry_after


class InvalidIdTokenError(Exception):
    """The ID token fails a check a relying party must make."""


@dataclass(frozen=True)
class Tokens:
    """A login's result: the token response, the ID token's claims, and userinfo's."""

    token_response: dict[str, Any]
    id_token_claims: dict[str, Any] = field(default_factory=dict)
    userinfo: dict[str, Any] = field(default_factory=dict)

    @property
    def access_token(self) -> str:
        return str(self.token_response["access_token"])

    @property
    def id_token(self) -> str | None:
        value = self.token_response.get("id_token")
        return str(value) if value else None

    @property
    def refresh_token(self) -> str | None:
        value = self.token_response.get("refresh_token")
        return str(value) if value else None


@dataclass(frozen=True)
class Expected:
    """What the ID token must say: who issued it, to whom, the nonce sent, the level asked."""

    issuer: str
    client_id: str
    nonce: str
    acr: str | None
    now: int


def verify_id_token(
    id_token: str, keys: KeySet, expected: Expected, access_token: str
) -> dict[str, Any]:
    """The claims of ``id_token`` once every check passes; :class:`InvalidIdTokenError` otherwise."""
    try:
        token = jwt.decode(id_token, keys, algorithms=["RS256", "PS256", "ES256"])
        JWTClaimsRegistry(
            now=lambda: expected.now,
            leeway=5,
            iss={"essential": True, "value": expected.issuer},
            sub={"essential": True},
            exp={"essential": True},
            iat={"essential": True},
            nonce={"essential": True, "value": expected.nonce},
        ).validate(token.claims)
    except (JoseError, ValueError) as error:
        raise InvalidIdTokenError(f"{type(error).__name__}: {error}") from None
    claims = dict(token.claims)
    _check_iat_and_aud(claims, expected)
    at_hash = claims.get("at_hash")
    alg = str(token.header.get("alg"))
    expected_hash = create_half_hash(access_token, alg)
    if at_hash is not None and not hmac.compare_digest(str(at_hash).encode(), expected_hash or b""):
        raise InvalidIdTokenError("at_hash does not match the access token")
    if expected.acr in LEVELS and _rank(claims.get("acr")) < _rank(expected.acr):
        raise InvalidIdTokenError(f"acr {claims.get('acr')} is lower than {expected.acr} asked for")
    return claims


def _check_iat_and_aud(claims: dict[str, Any], expected: Expected) -> None:
    if int(claims["iat"]) > expected.now + 60:
        raise InvalidIdTokenError("iat is in the future")
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if expected.client_id not in audiences:
        raise InvalidIdTokenError("aud does not name this client")


def _rank(acr: object) -> int:
    return LEVELS.index(acr) if isinstance(acr, str) and acr in LEVELS else -1


def check_same_subject(id_token_claims: dict[str, Any], userinfo: dict[str, Any]) -> None:
    """Core §5.3.2: userinfo's ``sub`` must be the ID token's."""
    if userinfo.get("sub") != id_token_claims.get("sub"):
        raise InvalidIdTokenError("userinfo's sub differs from the ID token's")
