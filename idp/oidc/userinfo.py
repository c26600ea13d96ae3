"""The UserInfo endpoint (OpenID Connect Core §5.3): a Bearer RFC 9068 access token in, claims out.

The token is verified with joserfc against our own keys (RS256/PS256/ES256 only, ``typ`` ``at+jwt``,
``iss`` and ``exp`` checked) and its grant must still be alive; errors per RFC 6750 §3.
"""

from typing import Any

from authlib.oauth2.rfc6750 import InvalidTokenError
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwt import JWTClaimsRegistry

from idp.oidc.accounts import find_record
from idp.oidc.claims import userinfo_for
from idp.oidc.keys import SIGNING_ALGORITHMS
from idp.oidc.presented_tokens import jti_is_revoked
from idp.oidc.server import AuthorizationServer


def bearer_token(authorization: str | None, form_token: str | None) -> str:
    if authorization and authorization[:7].lower() == "bearer ":
        return authorization[7:].strip()
    if form_token:
        return form_token
    raise InvalidTokenError("Missing Bearer access token.")


def userinfo(server: AuthorizationServer, token: str) -> dict[str, Any]:
    try:
        decoded = jwt.decode(token, server.keys.key_set, algorithms=list(SIGNING_ALGORITHMS))
        registry = JWTClaimsRegistry(
            iss={"essential": True, "value": server.settings.issuer}, exp={"essential": True}
        )
        registry.validate(decoded.claims)
    except (JoseError, ValueError) as exc:
        raise InvalidTokenError(f"Invalid access token: {exc}") from None
    if decoded.header.get("typ") != "at+jwt":
        raise InvalidTokenError("Not an access token.")
    claims = decoded.claims
    grant = server.store.get(f"grant:{claims.get('grant_id')}")
    if grant is None or jti_is_revoked(server.store, claims.get("jti")):
        raise InvalidTokenError("The access token was revoked or is not for a citizen.")
    record = find_record(server.engine, str(grant["pin"]))
    if record is None:
        raise InvalidTokenError("The citizen no longer exists.")
    return userinfo_for(record, str(claims["sub"]), str(claims.get("scope", "")).split())
