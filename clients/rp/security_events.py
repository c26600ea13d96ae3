"""The validation of a Security Event Token (SET, RFC 8417) the provider pushes to the app, with joserfc
against the provider's JWKS, answering in the error codes of push delivery (RFC 8935 §2.4).

A SET is accepted only if it is a compact JWS whose header's ``typ`` is ``secevent+jwt`` (RFC 8417 §2.3,
so that an ID token or a logout token can never pass for one), its ``iss`` is the provider
(``invalid_issuer``), its signature verifies with a key of the provider's JWKS under an algorithm
discovery advertises, never ``none`` nor a shared-secret one (``invalid_key``), its ``aud`` is or holds
this client (``invalid_audience``), and it carries ``iat``, a ``jti`` and ``events`` with exactly one
event, as the Shared Signals Framework 1.0 §4 asks, plus a ``sub_id`` subject identifier (RFC 9493)
(``invalid_request``). Replayed ``jti`` values are the caller's concern.
"""

import json
from dataclasses import dataclass
from typing import Any

from joserfc import jws
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jwt import JWTClaimsRegistry

SET_TYPE = "secevent+jwt"
LEEWAY = 60
"""Seconds of clock difference tolerated for ``iat`` (a SET retried late is still good: no upper age)."""


class SetError(ValueError):
    """The SET is refused: ``err`` is RFC 8935's code (``invalid_request``, ``invalid_key``,
    ``invalid_issuer``, ``invalid_audience``), the message says why."""

    def __init__(self, err: str, description: str) -> None:
        super().__init__(description)
        self.err = err
        self.description = description


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
    registry = JWTClaimsRegistry(
        leeway=LEEWAY, iat={"essential": True}, jti={"essential": True}, events={"essential": True}
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
