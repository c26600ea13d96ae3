"""The access tokens the provider's own resource endpoints accept (userinfo, the card verification
service): RFC 9068 JWTs it issued, presented as RFC 6750 Bearer tokens.

A token is verified with joserfc against the provider's keys (RS256/PS256/ES256 only; a token this
process signed itself is known good without it: :mod:`idp.oidc.issued_tokens`); its ``typ`` must be
``at+jwt``, its ``iss`` the provider's and its ``exp`` after the provider's clock's now, and its ``jti``
not revoked (RFC 7009). Anything else is ``invalid_token`` (RFC 6750 §3.1). What the token may do (its
grant, its scope) is the endpoint's to judge.
"""

from typing import TYPE_CHECKING
from typing import Any

from authlib.oauth2.rfc6750 import InvalidTokenError
from joserfc import jws
from joserfc import jwt
from joserfc.jwt import JWTClaimsRegistry

from idp.oidc.error_text import describable
from idp.oidc.keys import SIGNING_ALGORITHMS
from idp.oidc.untrusted_input import MALFORMED
from idp.oidc.untrusted_input import loads

if TYPE_CHECKING:
    from idp.oidc.server import AuthorizationServer


def bearer_token(authorization: str | None, form_token: str | None) -> str:
    """The token of an ``Authorization: Bearer`` header (RFC 6750 §2.1), else of the form's
    ``access_token`` field (§2.2); ``invalid_token`` without either."""
    if authorization and authorization[:7].lower() == "bearer ":
        return authorization[7:].strip()
    if form_token:
        return form_token
    raise InvalidTokenError("Missing Bearer access token.")


def access_token_claims(server: "AuthorizationServer", token: str) -> dict[str, Any]:
    """The claims of ``token``, a live access token the provider issued; ``invalid_token`` if not."""
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
    if server.revoked_access_tokens.is_revoked(claims.get("jti")):
        raise InvalidTokenError("The access token was revoked.")
    return claims


def _read(server: "AuthorizationServer", token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The token's header and claims: its signature verified, unless this process signed exactly
    this token (:mod:`idp.oidc.issued_tokens`)."""
    if server.issued_access_tokens.signed_here(token):
        extracted = jws.extract_compact(token.encode())
        claims: dict[str, Any] = loads(extracted.payload)
        return extracted.protected, claims
    decoded = jwt.decode(token, server.keys.key_set, algorithms=list(SIGNING_ALGORITHMS))
    return decoded.header, decoded.claims
