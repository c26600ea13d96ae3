"""Tokens minted on request (phát hành token thử), signed with the provider's own keys, for tests of a
resource server or of an application's token checks: mock-oauth2-server's ``issueToken``.

Three kinds, each with the claims the provider's own tokens of that kind carry, which the request's
claims add to or replace: an access token (RFC 9068: ``typ`` ``at+jwt``; ``iss``, ``exp``, ``aud``,
``sub``, ``client_id``, ``iat``, ``jti``), an ID token (OpenID Connect Core §2: ``iss``, ``aud``,
``exp``, ``iat``, ``auth_time``) and a logout token (Back-Channel Logout 1.0 §2.4: ``typ``
``logout+jwt``, ``events``, ``jti``, no ``nonce``). ``sub`` is the citizen's subject for that client
(public or pairwise, :func:`idp.oidc.accounts.subject_for`) when a citizen is named. The times are the
provider's clock's; a minted token is a real token of this provider (it verifies against its JWKS)
but names no grant, so the provider's own userinfo and introspection do not accept it.
"""

import secrets
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from idp.oidc.accounts import subject_for
from idp.oidc.backchannel import LOGOUT_EVENT
from idp.oidc.clients import Client
from idp.oidc.keys import SIGNING_ALGORITHMS
from idp.oidc.keys import KeyRing

KINDS = ("access_token", "id_token", "logout_token")
_TYP = {"access_token": "at+jwt", "id_token": "JWT", "logout_token": "logout+jwt"}


class MintRefusedError(ValueError):
    """A request the minting cannot follow; its message says why."""


def mint(
    keys: KeyRing,
    issuer: str,
    now: int,
    kind: str,
    claims: dict[str, Any],
    *,
    client: Client | None = None,
    subject: tuple[str, str] | None = None,
    expires_in: int = 600,
    alg: str = "RS256",
    kid: str | None = None,
) -> str:
    """A ``kind`` token with ``claims`` over the defaults; ``subject`` is (PIN, subject secret) of
    the citizen whose ``sub`` it carries for ``client``."""
    if kind not in KINDS:
        raise MintRefusedError(f"kind must be one of {', '.join(KINDS)}")
    if alg not in SIGNING_ALGORITHMS:
        raise MintRefusedError(f"alg must be one of {', '.join(SIGNING_ALGORITHMS)}")
    defaults = _defaults(issuer, now, kind, client, expires_in)
    if subject is not None:
        pin, secret = subject
        defaults["sub"] = subject_for(pin, secret, client.sector if client else None)
    key = _key(keys, alg, kid)
    header = {"alg": alg, "typ": _TYP[kind], "kid": str(key.kid)}
    try:
        return jwt.encode(header, {**defaults, **claims}, KeySet([key]), algorithms=[alg])
    except (JoseError, TypeError, ValueError) as error:
        raise MintRefusedError(f"the claims cannot be signed: {error}") from None


def _defaults(
    issuer: str, now: int, kind: str, client: Client | None, expires_in: int
) -> dict[str, Any]:
    client_id = client.client_id if client else None
    found: dict[str, Any] = {"iss": issuer, "iat": now, "jti": secrets.token_urlsafe(16)}
    if kind == "logout_token":
        found.update(exp=now + expires_in, events={LOGOUT_EVENT: {}})
    else:
        found["exp"] = now + expires_in
    if kind == "id_token":
        found["auth_time"] = now
    if client_id:
        found["aud"] = client_id
        if kind == "access_token":
            found["client_id"] = client_id
    return found


def _key(keys: KeyRing, alg: str, kid: str | None) -> Any:
    if kid is None:
        return keys.signing_key(alg)
    for key in keys.keys:
        if key.kid == kid and key.is_private:
            if (key.key_type == "EC") != alg.startswith("ES"):
                raise MintRefusedError(f"the key {kid} cannot sign {alg}")
            return key
    raise MintRefusedError(f"the provider has no key {kid}")
