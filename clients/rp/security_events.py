"""The validation of a Security Event Token (SET, RFC 8417) the provider pushes to the app, with joserfc
against the provider's JWKS, answering in the error codes of push delivery (RFC 8935 §2.4).

A SET is accepted only if it is a compact JWS whose header's ``typ`` is ``secevent+jwt`` (RFC 8417 §2.3,
so that an ID token or a logout token can never pass for one), its ``iss`` is the provider
(``invalid_issuer``), its signature verifies with a key of the provider's JWKS under an algorithm
discovery advertises, never ``none`` nor a shared-secret one (``invalid_key``), its ``aud`` is or holds
this client (``invalid_audience``), and it carries ``iat``, a ``jti`` and ``events`` with exactly one
event, as the Shared Signals Framework 1.0 §4 asks, plus a ``sub_id`` subject identifier (RFC 9493),
and neither ``sub`` nor ``exp`` (SSF 1.0 §4.1 forbids both, so that no other JWT passes for a SET)
(``invalid_request``). ``iat`` may be any time: RFC 8417 sets no freshness rule, and the provider's
clock may be moved ahead of the app's (the sandbox's clock); a replay is caught by its ``jti``, which
is the caller's concern.
"""

import json
from dataclasses import dataclass
from typing import Any

from joserfc import jws
from joserfc import jwt
from joserfc.errors import InvalidClaimError
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jwt import JWTClaimsRegistry

SET_TYPE = "secevent+jwt"
FORBIDDEN_CLAIMS = ("sub", "exp")
"""Claims a SET must not carry (SSF 1.0 §4.1: no JWT `sub`, no `exp`)."""


class SetError(ValueError):
    """The SET is refused: ``err`` is RFC 8935's code (``invalid_request``, ``invalid_key``,
    ``invalid_issuer``, ``invalid_audience``, ``authentication_failed``), the message says why;
    ``status`` is the HTTP answer (400, RFC 8935 §2.3, unless said otherwise)."""

    def __init__(self, err: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.err = err
        self.description = description
        self.status = status


class _SetClaims(JWTClaimsRegistry):
    """joserfc's claims checks, but ``iat`` need only be a number: no time is refused for it."""

    def validate_iat(self, value: object) -> None:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InvalidClaimError("iat", "Claim 'iat' must be a NumericDate value")


@dataclass(frozen=True)
class SecurityEvent:
    """A validated SET: its claims, and its one event's type and payload."""

    claims: dict[str, Any]
    event_type: str
    payload: dict[str, Any]

    @property
    def jti(self) -> str:
        return str(self.claims["jti"])

    @property
    def subject(self) -> dict[str, Any]:
        """The subject identifier (``sub_id``, RFC 9493)."""
        sub_id: dict[str, Any] = self.claims["sub_id"]
        return sub_id


def unverified_header(token: str) -> dict[str, Any]:
    """The JWS header, not yet trusted; ``invalid_request`` if ``token`` is no compact JWS."""
    try:
        return dict(jws.extract_compact(token.encode("ascii")).headers())
    except (JoseError, ValueError, UnicodeError) as exc:
        raise SetError("invalid_request", f"not a compact JWS: {exc}") from None


def unverified_issuer(token: str) -> object:
    """The ``iss`` the token claims, before its signature is checked."""
    try:
        payload = json.loads(jws.extract_compact(token.encode("ascii")).payload)
    except (JoseError, ValueError, UnicodeError) as exc:
        raise SetError("invalid_request", f"the payload is not JSON: {exc}") from None
    if not isinstance(payload, dict):
        raise SetError("invalid_request", "the payload is not a JSON object")
    return payload.get("iss")


def validate_set(
    token: str, jwks: dict[str, Any], issuer: str, client_id: str, algorithms: list[str]
) -> SecurityEvent:
    """The SET's validated event, or :class:`SetError`."""
    if unverified_header(token).get("typ") != SET_TYPE:
        raise SetError("invalid_request", f"the typ header is not {SET_TYPE}")
    if unverified_issuer(token) != issuer:
        raise SetError("invalid_issuer", "iss is not this app's identity provider")
    algorithms = [alg for alg in algorithms if alg != "none" and not alg.startswith("HS")]
    try:
        decoded = jwt.decode(token, KeySet.import_key_set(jwks), algorithms=algorithms)  # type: ignore[arg-type]
    except (JoseError, ValueError, TypeError) as exc:
        raise SetError("invalid_key", f"the signature does not verify: {exc}") from None
    claims = decoded.claims
    audience = claims.get("aud")
    if audience != client_id and not (isinstance(audience, list) and client_id in audience):
        raise SetError("invalid_audience", "aud is not this app")
    present = [name for name in FORBIDDEN_CLAIMS if name in claims]
    if present:
        raise SetError("invalid_request", f"a SET must not carry {', '.join(present)} (SSF §4.1)")
    registry = _SetClaims(
        iat={"essential": True}, jti={"essential": True}, events={"essential": True}
    )
    try:
        registry.validate(claims)
    except JoseError as exc:
        raise SetError("invalid_request", f"claims: {exc}") from None
    return SecurityEvent(claims, *_the_event(claims))


def _the_event(claims: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    events = claims["events"]
    if not isinstance(events, dict) or len(events) != 1:
        raise SetError("invalid_request", "events must hold exactly one event")
    (event_type, payload), *_ = events.items()
    if not isinstance(payload, dict):
        raise SetError("invalid_request", "the event's payload is not a JSON object")
    sub_id = claims.get("sub_id")
    if not isinstance(sub_id, dict) or not isinstance(sub_id.get("format"), str):
        raise SetError("invalid_request", "sub_id is not a subject identifier")
    return str(event_type), payload
