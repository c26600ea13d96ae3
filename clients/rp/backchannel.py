"""The back-channel logout receiver's validation (OpenID Connect Back-Channel Logout 1.0 §2.6), with
joserfc against the provider's JWKS.

A logout token is accepted only if its signature verifies with a key of the provider's JWKS (an
algorithm discovery advertises; never ``none``), ``iss`` is the provider, ``aud`` contains this client, ``iat``
is present and ``exp`` (when present) not passed, ``events`` holds the back-channel logout event as a JSON
object, it carries ``sub`` or ``sid``, and it carries no ``nonce`` (§2.4, so that an ID token can never
pass for a logout token). A ``typ`` header, when present, must be ``logout+jwt``. Replayed ``jti`` values
are the caller's concern.
"""

from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jwt import JWTClaimsRegistry

LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"
LEEWAY = 60


class LogoutTokenError(ValueError):
    """The logout token is not acceptable; the message says why."""


def validate_logout_token(
    token: str, jwks: dict[str, Any], issuer: str, client_id: str, algorithms: list[str]
) -> dict[str, Any]:
    """The logout token's claims, or :class:`LogoutTokenError`."""
    algorithms = [alg for alg in algorithms if alg != "none" and not alg.startswith("HS")]
    try:
        decoded = jwt.decode(token, KeySet.import_key_set(jwks), algorithms=algorithms)  # type: ignore[arg-type]
    except (JoseError, ValueError, TypeError) as exc:
        raise LogoutTokenError(f"signature or format: {exc}") from None
    if decoded.header.get("typ", "logout+jwt") != "logout+jwt":
        raise LogoutTokenError("typ header is not logout+jwt")
    registry = JWTClaimsRegistry(
        leeway=LEEWAY,
        iss={"essential": True, "value": issuer},
        aud={"essential": True, "value": client_id},
        iat={"essential": True},
        events={"essential": True},
    )
    try:
        registry.validate(decoded.claims)
    except JoseError as exc:
        raise LogoutTokenError(f"claims: {exc}") from None
    claims = decoded.claims
    events = claims["events"]
    if not isinstance(events, dict) or not isinstance(events.get(LOGOUT_EVENT), dict):
        raise LogoutTokenError("events does not hold the back-channel logout event")
    if not isinstance(claims.get("sub"), str) and not isinstance(claims.get("sid"), str):
        raise LogoutTokenError("neither sub nor sid")
    if "nonce" in claims:
        raise LogoutTokenError("a logout token must not carry a nonce")
    return claims
