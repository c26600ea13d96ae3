"""The UserInfo endpoint (OpenID Connect Core §5.3): a Bearer RFC 9068 access token in, claims out.

The token is verified with joserfc against our own keys (RS256/PS256/ES256 only; a token this
process signed itself is known good without it: :mod:`idp.oidc.issued_tokens`; ``typ`` ``at+jwt``,
``iss`` and ``exp`` checked, ``exp`` at the provider's clock's now), its grant must still be alive
and its scope must hold ``openid`` (a plain OAuth 2.0 token, whose request never showed a consent
page, reads nothing); errors per RFC 6750 §3. The claims are those of
:func:`idp.oidc.disclosure.userinfo_disclosure`: level-2 scopes only for a level-2 identity, and one
audit row per answer. The answer is JSON, or a JWT when the client registered
``userinfo_signed_response_alg`` / ``_encrypted_response_alg``.
"""

from typing import Any

from authlib.oauth2.rfc6750 import InsufficientScopeError
from authlib.oauth2.rfc6750 import InvalidTokenError
from joserfc import jws
from joserfc import jwt
from joserfc.jwt import JWTClaimsRegistry

from idp.oidc.answer import Answer
from idp.oidc.answer import json_answer
from idp.oidc.disclosure import userinfo_disclosure
from idp.oidc.error_text import describable
from idp.oidc.keys import SIGNING_ALGORITHMS
from idp.oidc.server import AuthorizationServer
from idp.oidc.untrusted_input import MALFORMED
from idp.oidc.untrusted_input import loads
from idp.oidc.userinfo_jwt import userinfo_jwt
from idp.oidc.userinfo_jwt import wants_jwt


class OpenIDScopeRequiredError(InsufficientScopeError):  # type: ignore[misc]
    """RFC 6750 §3.1 ``insufficient_scope`` (403), with its ``WWW-Authenticate`` challenge."""

    description = "The access token was not issued for the 'openid' scope."

    def get_headers(self) -> list[tuple[str, str]]:
        challenge = 'Bearer error="insufficient_scope", scope="openid"'
        return [*super().get_headers(), ("WWW-Authenticate", challenge)]


def bearer_token(authorization: str | None, form_token: str | None) -> str:
    if authorization and authorization[:7].lower() == "bearer ":
        return authorization[7:].strip()
    if form_token:
        return form_token
    raise InvalidTokenError("Missing Bearer access token.")


def userinfo(server: AuthorizationServer, token: str) -> dict[str, Any]:
    return _userinfo(server, token)[1]


def userinfo_response(server: AuthorizationServer, token: str) -> Answer:
    """JSON, or a JWT (signed and/or encrypted) per the client's registration (Core §5.3.2)."""
    client_id, claims = _userinfo(server, token)
    client = server.query_client(client_id)
    if client is None or not wants_jwt(client):
        return json_answer(claims)
    jwt_text = userinfo_jwt(server, client, claims)
    return Answer(
        200, jwt_text, [("Content-Type", "application/jwt"), ("Cache-Control", "no-store")]
    )


def _userinfo(server: AuthorizationServer, token: str) -> tuple[str, dict[str, Any]]:
    try:
        header, claims = _read(server, token)
        registry = JWTClaimsRegistry(
            now=lambda: int(server.clock.now()),
            iss={"essential": True, "value": server.settings.issuer},
            exp={"essential": True},
        )
        registry.validate(claims)
    except MALFORMED as exc:
        raise InvalidTokenError(f"Invalid access token: {describable(str(exc), 200)}") from None
    if header.get("typ") != "at+jwt":
        raise InvalidTokenError("Not an access token.")
    grant = server.grants.get(str(claims.get("grant_id")))
    if grant is None or server.revoked_access_tokens.is_revoked(claims.get("jti")):
        raise InvalidTokenError("The access token was revoked or is not for a citizen.")
    if "openid" not in str(claims.get("scope", "")).split():
        raise OpenIDScopeRequiredError()
    info = userinfo_disclosure(server, grant, claims)
    if info is None:
        raise InvalidTokenError("The citizen no longer exists.")
    return str(claims.get("client_id")), info


def _read(server: AuthorizationServer, token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The token's header and claims: its signature verified, unless this process signed exactly
    this token (:mod:`idp.oidc.issued_tokens`)."""
    if server.issued_access_tokens.signed_here(token):
        extracted = jws.extract_compact(token.encode())
        claims: dict[str, Any] = loads(extracted.payload)
        return extracted.protected, claims
    decoded = jwt.decode(token, server.keys.key_set, algorithms=list(SIGNING_ALGORITHMS))
    return decoded.header, decoded.claims
