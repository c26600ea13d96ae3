"""The tokens a client presents to the revocation (RFC 7009) and introspection (RFC 7662) endpoints.

Access tokens are our RFC 9068 JWTs: found by verifying them with our keys. Refresh tokens are opaque:
found in the store. ``token_type_hint`` only orders the search (RFC 7009 §2.1, RFC 7662 §2.1). An access
token is revoked when its grant is, or when its ``jti`` is on the revocation list; a refresh token is
revoked with its grant. Expiry is judged by the provider's clock (``server.clock``).
"""

from dataclasses import dataclass
from dataclasses import field
from typing import TYPE_CHECKING
from typing import Any

from authlib.oauth2.rfc6749 import InvalidRequestError
from authlib.oauth2.rfc6749 import OAuth2Error
from authlib.oauth2.rfc6749 import TokenMixin
from joserfc import jwt
from joserfc.jwt import JWTClaimsRegistry

from idp.oidc.answer import Answer
from idp.oidc.clients import Client
from idp.oidc.keys import SIGNING_ALGORITHMS
from idp.oidc.requests import ItemsRequest
from idp.oidc.untrusted_input import MALFORMED
from idp.state.clock import Clock

if TYPE_CHECKING:
    from idp.oidc.server import AuthorizationServer

ACCESS = "access_token"
REFRESH = "refresh_token"
MAX_REFRESH_TOKEN_LENGTH = 128


@dataclass(frozen=True)
class PresentedToken(TokenMixin):  # type: ignore[misc]
    """An access or refresh token we issued, with what introspection says about it; ``clock`` tells
    whether it has expired."""

    kind: str
    value: str
    claims: dict[str, Any]
    revoked: bool
    clock: Clock = field(compare=False, repr=False)

    def check_client(self, client: Client) -> bool:
        return bool(self.claims.get("client_id") == client.get_client_id())

    def get_scope(self) -> str:
        return str(self.claims.get("scope", ""))

    def get_expires_in(self) -> int:
        return int(self.claims["exp"] - self.clock.now())

    def is_expired(self) -> bool:
        return bool(self.claims["exp"] <= self.clock.now())

    def is_revoked(self) -> bool:
        return self.revoked


def find_token(
    server: "AuthorizationServer", value: str, hint: str | None
) -> PresentedToken | None:
    """The token ``value``, searched for first as the hinted type, then as the other; or None."""
    kinds = (REFRESH, ACCESS) if hint == REFRESH else (ACCESS, REFRESH)
    for kind in kinds:
        token = _find_access(server, value) if kind == ACCESS else _find_refresh(server, value)
        if token is not None:
            return token
    return None


def _find_access(server: "AuthorizationServer", value: str) -> PresentedToken | None:
    try:
        decoded = jwt.decode(value, server.keys.key_set, algorithms=list(SIGNING_ALGORITHMS))
        registry = JWTClaimsRegistry(
            now=lambda: int(server.clock.now()),
            iss={"essential": True, "value": server.settings.issuer},
        )
        registry.validate(decoded.claims)
    except MALFORMED:
        return None
    if decoded.header.get("typ") != "at+jwt":
        return None
    claims = decoded.claims
    grant_id = claims.get("grant_id")
    revoked = (grant_id is not None and not server.grants.is_active(grant_id)) or (
        server.revoked_access_tokens.is_revoked(claims.get("jti"))
    )
    return PresentedToken(ACCESS, value, claims, revoked, server.clock)


def _find_refresh(server: "AuthorizationServer", value: str) -> PresentedToken | None:
    if len(value) > MAX_REFRESH_TOKEN_LENGTH:
        return None
    record = server.refresh_tokens.get(value)
    if record is None:
        return None
    user = record["user"]
    claims = {
        "client_id": record["client_id"],
        "scope": record["scope"],
        "sub": user["sub"],
        "exp": int(record["expires_at"]),
        "grant_id": user["grant_id"],
        "sid": user["sid"],
    }
    if "issued_at" in record:
        claims["iat"] = int(record["issued_at"])
    revoked = not server.grants.is_active(user["grant_id"])
    return PresentedToken(REFRESH, value, claims, revoked, server.clock)


def token_endpoint_response(
    server: "AuthorizationServer", name: str, request: ItemsRequest
) -> Answer:
    """The answer of the registered Authlib endpoint ``name``; repeated parameters refused."""
    if duplicated := request.duplicated():
        error: OAuth2Error = InvalidRequestError(f"Repeated parameter(s): {', '.join(duplicated)}.")
        answer: Answer = server.handle_error_response(request, error)
    else:
        answer = server.create_endpoint_response(name, request)
    return answer.with_header("Cache-Control", "no-store")
