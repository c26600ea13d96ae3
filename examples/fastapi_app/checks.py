"""The checks on the provider's tokens, with joserfc: an ID token as OpenID Connect Core §3.1.3.7
asks of a relying party, and an access token as RFC 9068 §4 asks of a resource server.

The signature must verify with a key of the provider's JWKS, under an algorithm the provider signs
with (never ``none``, never a symmetric one); the times are this server's.
"""

import base64
import hashlib
import hmac
from typing import Any

from joserfc import jws
from joserfc import jwt
from joserfc.errors import ClaimError
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jwt import JWTClaimsRegistry

ALGORITHMS = ("RS256", "PS256", "ES256")
LEVELS = ("LoA1", "LoA2", "LoA3", "LoA4")
LEEWAY = 30
"""Seconds of clock skew forgiven on ``exp`` and ``iat``."""


class TokenRejectedError(Exception):
    """A token failed a check: ``check`` names it in a word (``signature``, ``nonce`` ...), the
    message says more (for the log, not for the page)."""

    def __init__(self, check: str, detail: str) -> None:
        super().__init__(f"{check}: {detail}")
        self.check = check


def header_kid(token: str) -> str | None:
    """The ``kid`` of a compact JWS's header, before anything is verified (to pick the key)."""
    try:
        kid = jws.extract_compact(token.encode()).protected.get("kid")
    except (JoseError, ValueError) as error:
        raise TokenRejectedError("format", "not a compact JWS") from error
    return kid if isinstance(kid, str) else None


def rank(acr: object) -> int:
    """The position of ``acr`` among the levels of assurance, -1 for anything else."""
    return LEVELS.index(acr) if isinstance(acr, str) and acr in LEVELS else -1


def _decode(token: str, keys: KeySet) -> jwt.Token:
    try:
        return jwt.decode(token, keys, algorithms=list(ALGORITHMS))
    except (JoseError, ValueError) as error:
        raise TokenRejectedError("signature", f"{type(error).__name__}: {error}") from error


def _validate(claims: dict[str, Any], registry: JWTClaimsRegistry) -> None:
    try:
        registry.validate(claims)
    except ClaimError as error:
        raise TokenRejectedError(error.claim, str(error)) from error
    except JoseError as error:
        raise TokenRejectedError("claims", str(error)) from error


def at_hash(access_token: str, alg: str) -> str:
    """Core §3.1.3.6: the left half of the access token's hash, base64url without padding."""
    digest = {"256": hashlib.sha256, "384": hashlib.sha384, "512": hashlib.sha512}[alg[-3:]]
    half = digest(access_token.encode("ascii")).digest()
    return base64.urlsafe_b64encode(half[: len(half) // 2]).rstrip(b"=").decode("ascii")


def verify_id_token(
    token: str,
    keys: KeySet,
    *,
    issuer: str,
    client_id: str,
    nonce: str,
    acr: str,
    access_token: str,
) -> dict[str, Any]:
    """The claims of ``token`` once every check passes; :class:`TokenRejectedError` otherwise."""
    decoded = _decode(token, keys)
    claims = dict(decoded.claims)
    registry = JWTClaimsRegistry(
        leeway=LEEWAY,
        iss={"essential": True, "value": issuer},
        aud={"essential": True, "value": client_id},
        sub={"essential": True},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    _validate(claims, registry)
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != client_id:
        raise TokenRejectedError("azp", "other audiences, and azp is not this client")
    expected_hash = at_hash(access_token, str(decoded.header["alg"]))
    sent_hash = str(claims.get("at_hash", expected_hash)).encode()
    if not hmac.compare_digest(sent_hash, expected_hash.encode()):
        raise TokenRejectedError("at_hash", "does not match the access token")
    if rank(claims.get("acr")) < rank(acr):
        raise TokenRejectedError("acr", f"{claims.get('acr')} is below the {acr} asked for")
    return claims


def verify_access_token(token: str, keys: KeySet, *, issuer: str) -> dict[str, Any]:
    """RFC 9068 §4: the claims of an access token, once its ``typ``, signature, ``iss`` and
    ``exp`` pass."""
    decoded = _decode(token, keys)
    typ = str(decoded.header.get("typ", "")).lower()
    if typ not in ("at+jwt", "application/at+jwt"):
        raise TokenRejectedError("typ", f"{typ or 'no typ'} is not at+jwt")
    claims = dict(decoded.claims)
    registry = JWTClaimsRegistry(
        leeway=LEEWAY,
        iss={"essential": True, "value": issuer},
        exp={"essential": True},
        sub={"essential": True},
    )
    _validate(claims, registry)
    return claims
