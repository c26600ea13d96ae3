"""The UserInfo endpoint (OpenID Connect Core §5.3): a Bearer RFC 9068 access token in, claims out.

The token is verified as every access token the provider's endpoints accept
(:mod:`idp.oidc.access_tokens`: our keys, ``typ`` ``at+jwt``, ``iss``, ``exp`` at the provider's
clock's now, not revoked), its grant must still be alive and its scope must hold ``openid`` (a plain OAuth 2.0 token, whose request never showed a consent
page, reads nothing); errors per RFC 6750 §3. The claims are those of
:func:`idp.oidc.disclosure.userinfo_disclosure`: level-2 scopes only for a level-2 identity, and one
audit row per answer. The answer is JSON, or a JWT when the client registered
``userinfo_signed_response_alg`` / ``_encrypted_response_alg``.
"""

from typing import Any

from authlib.oauth2.rfc6750 import InsufficientScopeError
from authlib.oauth2.rfc6750 import InvalidTokenError

from idp.oidc.access_tokens import access_token_claims
from idp.oidc.answer import Answer
from idp.oidc.answer import json_answer
from idp.oidc.disclosure import userinfo_disclosure
from idp.oidc.server import AuthorizationServer
from idp.oidc.userinfo_jwt import userinfo_jwt
from idp.oidc.userinfo_jwt import wants_jwt


class OpenIDScopeRequiredError(InsufficientScopeError):  # type: ignore[misc]
    """RFC 6750 §3.1 ``insufficient_scope`` (403), with its ``WWW-Authenticate`` challenge."""

    description = "The access token was not issued for the 'openid' scope."

    def get_headers(self) -> list[tuple[str, str]]:
        challenge = 'Bearer error="insufficient_scope", scope="openid"'
        return [*super().get_headers(), ("WWW-Authenticate", challenge)]


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
    claims = access_token_claims(server, token)
    grant = server.grants.get(str(claims.get("grant_id")))
    if grant is None:
        raise InvalidTokenError("The access token was revoked or is not for a citizen.")
    if "openid" not in str(claims.get("scope", "")).split():
        raise OpenIDScopeRequiredError()
    info = userinfo_disclosure(server, grant, claims)
    if info is None:
        raise InvalidTokenError("The citizen no longer exists.")
    return str(claims.get("client_id")), info
